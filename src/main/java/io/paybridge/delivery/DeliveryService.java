package io.paybridge.delivery;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.paybridge.delivery.ClaimedEvent.EventRef;
import io.paybridge.delivery.DeliveryPlan.MappedEvent;
import io.paybridge.delivery.DeliveryPlan.PlannedRecord;
import io.paybridge.delivery.DeliveryRepository.SettledEvent;
import io.paybridge.delivery.DeliveryRepository.WrittenRecord;
import io.paybridge.routes.EventMapper;
import io.paybridge.routes.RecordWrite;
import io.paybridge.salesforce.RecordResult;
import io.paybridge.salesforce.SalesforceClient;
import io.paybridge.salesforce.SalesforceConfig;
import io.paybridge.salesforce.SalesforceException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * One turn of the delivery pipeline: claim due events, map them, take the records they write,
 * decide what to push, push it to Salesforce in parallel Collections calls, record every outcome.
 */
@ApplicationScoped
public class DeliveryService {

    private static final Logger LOG = Logger.getLogger(DeliveryService.class);

    private final DeliveryRepository repository;
    private final EventMapper mapper;
    private final SalesforceClient salesforce;
    private final DeliveryMetrics metrics;
    private final DeliveryConfig config;
    private final Backoff backoff;
    private final int batchSize;
    private final Duration limitPause;
    private final String owner;
    private volatile Instant pausedUntil = Instant.EPOCH;

    @Inject
    public DeliveryService(DeliveryRepository repository, EventMapper mapper, SalesforceClient salesforce,
            DeliveryMetrics metrics, DeliveryConfig config, SalesforceConfig salesforceConfig) {
        this(repository, mapper, salesforce, metrics, config, salesforceConfig, replicaName());
    }

    /** A pipeline under its own lease owner name: a second replica, in tests. */
    public DeliveryService(DeliveryRepository repository, EventMapper mapper, SalesforceClient salesforce,
            DeliveryMetrics metrics, DeliveryConfig config, SalesforceConfig salesforceConfig, String owner) {
        checkLease(config, salesforceConfig);
        this.repository = repository;
        this.mapper = mapper;
        this.salesforce = salesforce;
        this.metrics = metrics;
        this.config = config;
        this.backoff = new Backoff(config.minBackoff(), config.maxBackoff());
        this.batchSize = salesforceConfig.batchSize();
        this.limitPause = salesforceConfig.limitPause();
        this.owner = owner;
    }

    /**
     * A call can take its timeout plus retries started within half of it; the records it pushes
     * must stay leased until it ends, or another replica could push them at the same time.
     */
    private static void checkLease(DeliveryConfig config, SalesforceConfig salesforceConfig) {
        Duration longestCall = salesforceConfig.timeout().multipliedBy(3).dividedBy(2);
        if (config.lease().compareTo(longestCall) <= 0) {
            throw new IllegalStateException("paybridge.delivery.lease (" + config.lease()
                    + ") must be longer than 1.5 x paybridge.salesforce.timeout (" + salesforceConfig.timeout() + ")");
        }
    }

    /** Whether claiming now could lead anywhere: not paused by Salesforce's limit, circuit closed. */
    public boolean canDeliver() {
        return Instant.now().isAfter(pausedUntil) && !salesforce.circuitOpen();
    }

    /** @return how many events were claimed; zero when nothing was due */
    public Uni<Integer> deliverOnce() {
        return deliverOnce(0);
    }

    /**
     * One turn of one of this replica's workers. Each worker leases under a name of its own, so
     * that two workers of one replica never hold the same record either.
     */
    public Uni<Integer> deliverOnce(int worker) {
        String lessee = owner + "/" + worker;
        return repository.claim(lessee, config.claimSize(), config.lease())
                .chain(events -> deliver(lessee, events));
    }

    private Uni<Integer> deliver(String owner, List<ClaimedEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Uni.createFrom().item(() -> map(events))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(mapped -> leaseAndPush(owner, mapped))
                .replaceWith(events.size());
    }

    private List<MappedEvent> map(List<ClaimedEvent> events) {
        List<MappedEvent> mapped = new ArrayList<>(events.size());
        for (ClaimedEvent event : events) {
            try {
                List<RecordWrite> writes = mapper.map(event.account(), event.payload());
                mapped.add(new MappedEvent(event, writes, null));
            } catch (RuntimeException unreadable) {
                mapped.add(new MappedEvent(event, List.of(), unreadable.getMessage()));
            }
        }
        return mapped;
    }

    private Uni<Void> leaseAndPush(String owner, List<MappedEvent> mapped) {
        Set<RecordKey> wanted = new LinkedHashSet<>();
        mapped.forEach(event -> wanted.addAll(event.recordKeys()));
        return repository.leaseRecords(owner, wanted, config.lease())
                .chain(held -> push(owner, mapped, held));
    }

    private Uni<Void> push(String owner, List<MappedEvent> mapped, Map<RecordKey, RecordState> held) {
        List<MappedEvent> ready = new ArrayList<>();
        List<ClaimedEvent> waiting = new ArrayList<>();
        for (MappedEvent event : mapped) {
            if (held.keySet().containsAll(event.recordKeys())) {
                ready.add(event);
            } else {
                // Another replica is pushing one of its records: come back when it is done.
                waiting.add(event.event());
            }
        }
        DeliveryPlan plan = DeliveryPlan.of(ready, held);
        return Multi.createFrom().iterable(calls(plan.records()))
                .onItem().transformToUni(this::upsert).merge(config.concurrency())
                .collect().in(HashMap<RecordKey, RecordOutcome>::new, Map::putAll)
                .chain(results -> settle(owner, plan, results, waiting, held.keySet()));
    }

    private List<Call> calls(Collection<PlannedRecord> records) {
        Map<String, List<PlannedRecord>> bySObject = new LinkedHashMap<>();
        records.forEach(record -> bySObject
                .computeIfAbsent(record.key().sobject() + '\n' + record.externalIdField(), k -> new ArrayList<>())
                .add(record));
        List<Call> calls = new ArrayList<>();
        bySObject.values().forEach(group -> {
            for (int from = 0; from < group.size(); from += batchSize) {
                calls.add(new Call(group.subList(from, Math.min(group.size(), from + batchSize))));
            }
        });
        return calls;
    }

    private Uni<Map<RecordKey, RecordOutcome>> upsert(Call call) {
        PlannedRecord first = call.records().get(0);
        return salesforce.upsert(first.key().sobject(), first.externalIdField(), call.bodies())
                .map(results -> perRecord(call, results))
                .onFailure(SalesforceException.class).recoverWithItem(failure -> wholeCall(call, (SalesforceException) failure))
                .onFailure().recoverWithItem(failure -> allRecords(call, RecordOutcome.retry(failure.toString())))
                .invoke(outcomes -> metrics.records(first.key().sobject(), outcomes.values()));
    }

    private static Map<RecordKey, RecordOutcome> perRecord(Call call, List<RecordResult> results) {
        Map<RecordKey, RecordOutcome> outcomes = new HashMap<>();
        for (int i = 0; i < call.records().size(); i++) {
            RecordKey key = call.records().get(i).key();
            RecordResult result = i < results.size() ? results.get(i)
                    : RecordResult.failed("MISSING_RESULT", "Salesforce returned fewer results than records");
            outcomes.put(key, outcome(result));
        }
        return outcomes;
    }

    private static RecordOutcome outcome(RecordResult result) {
        if (result.success()) {
            return RecordOutcome.delivered(result.id());
        }
        String error = result.statusCode() + ": " + result.message();
        return result.retryable() ? RecordOutcome.retry(error) : RecordOutcome.dead(error);
    }

    private Map<RecordKey, RecordOutcome> wholeCall(Call call, SalesforceException failure) {
        String error = failure.errorCode() + ": " + failure.getMessage();
        return switch (failure.kind()) {
            case TRANSIENT -> allRecords(call, RecordOutcome.retry(error));
            case REJECTED -> allRecords(call, RecordOutcome.dead(error));
            case CIRCUIT_OPEN -> allRecords(call, RecordOutcome.released(error));
            case LIMIT_EXCEEDED -> {
                pauseForLimit();
                yield allRecords(call, RecordOutcome.released(error));
            }
        };
    }

    private void pauseForLimit() {
        Instant until = Instant.now().plus(limitPause);
        if (until.isAfter(pausedUntil)) {
            pausedUntil = until;
            LOG.warnf("Salesforce API limit exceeded (REQUEST_LIMIT_EXCEEDED): delivery paused until %s", until);
        }
    }

    private static Map<RecordKey, RecordOutcome> allRecords(Call call, RecordOutcome outcome) {
        Map<RecordKey, RecordOutcome> outcomes = new HashMap<>();
        call.records().forEach(record -> outcomes.put(record.key(), outcome));
        return outcomes;
    }

    private Uni<Void> settle(String owner, DeliveryPlan plan, Map<RecordKey, RecordOutcome> results, List<ClaimedEvent> waiting,
            Collection<RecordKey> held) {
        Instant now = Instant.now();
        List<SettledEvent> settled = new ArrayList<>();
        plan.settled().forEach((ref, outcome) -> {
            ClaimedEvent event = plan.event(ref);
            settled.add(new SettledEvent(ref, outcome.status(), event.attempts(), now, outcome.reason()));
            log(event, outcome.status(), outcome.reason());
        });
        plan.outcomesOfPushedEvents(results).forEach((ref, outcome) -> settled.add(afterPush(plan.event(ref), outcome, now)));
        waiting.forEach(event -> settled.add(new SettledEvent(event.ref(), event.status(), event.attempts(),
                now.plus(config.pollInterval()), null)));
        List<WrittenRecord> written = new ArrayList<>();
        plan.records().forEach(record -> {
            RecordOutcome outcome = results.get(record.key());
            if (outcome != null && outcome.kind() == RecordOutcome.Kind.DELIVERED) {
                written.add(new WrittenRecord(record, outcome.salesforceId()));
            }
        });
        return repository.settle(owner, settled, written, held)
                .invoke(() -> metrics.settled(settled, plan, now));
    }

    private SettledEvent afterPush(ClaimedEvent event, RecordOutcome outcome, Instant now) {
        int attempts = event.attempts() + 1;
        SettledEvent settled = switch (outcome.kind()) {
            case DELIVERED -> new SettledEvent(event.ref(), "delivered", attempts, now, null);
            case DEAD -> new SettledEvent(event.ref(), "dead", attempts, now, outcome.error());
            case RELEASED -> new SettledEvent(event.ref(), event.status(), event.attempts(),
                    later(now), outcome.error());
            case RETRY -> attempts >= config.maxAttempts()
                    ? new SettledEvent(event.ref(), "dead", attempts, now,
                            "gave up after " + attempts + " attempts: " + outcome.error())
                    : new SettledEvent(event.ref(), "retrying", attempts, now.plus(backoff.after(attempts)),
                            outcome.error());
        };
        log(event, settled.status(), settled.lastError());
        return settled;
    }

    /** When an event not attempted (limit pause, open circuit) is due again. */
    private Instant later(Instant now) {
        Instant afterPause = pausedUntil;
        Instant soon = now.plus(config.pollInterval());
        return afterPause.isAfter(soon) ? afterPause : soon;
    }

    private static void log(ClaimedEvent event, String status, String reason) {
        if ("delivered".equals(status) || "skipped".equals(status)) {
            LOG.debugf("Event %s (%s) of account %s: %s%s", event.eventId(), event.type(), event.account(), status,
                    reason == null ? "" : " (" + reason + ")");
        } else {
            LOG.infof("Event %s (%s) of account %s: %s (%s)", event.eventId(), event.type(), event.account(), status, reason);
        }
    }

    private static String replicaName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception unknown) {
            host = "paybridge";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private record Call(List<PlannedRecord> records) {
        List<Map<String, Object>> bodies() {
            return records.stream().map(PlannedRecord::body).toList();
        }
    }
}
