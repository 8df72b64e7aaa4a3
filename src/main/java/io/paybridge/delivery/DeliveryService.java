package io.paybridge.delivery;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;

import io.paybridge.delivery.DeliveryPlan.MappedEvent;
import io.paybridge.delivery.DeliveryPlan.PlannedRecord;
import io.paybridge.delivery.DeliveryRepository.SettledEvent;
import io.paybridge.delivery.DeliveryRepository.WrittenRecord;
import io.paybridge.event.EventStatus;
import io.paybridge.mapping.EventMapper;
import io.paybridge.mapping.RecordWrite;
import io.paybridge.salesforce.RecordResult;
import io.paybridge.salesforce.SalesforceClient;
import io.paybridge.salesforce.SalesforceConfig;
import io.paybridge.salesforce.SalesforceException;
import io.paybridge.stripe.StripeFetch;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.jboss.logging.Logger;

/**
 * One turn of the delivery pipeline: claim due events, map them, take the records they write,
 * decide what to push, push it to Salesforce in parallel Collections calls, record every outcome
 * in one statement. A turn that fails gives back what it holds at once.
 */
@ApplicationScoped
public class DeliveryService {

    private static final Logger LOG = Logger.getLogger(DeliveryService.class);
    /**
     * How long an event whose record another turn is pushing, or whose call was not made for want of
     * a slot or of lease, waits before it is claimed again: long enough not to spin against that
     * push, short enough to follow it closely.
     */
    static final Duration RECORD_BUSY_DELAY = Duration.ofMillis(200);
    /** Pages of payloads a turn reads at once: one read while the other is mapped. */
    private static final int PAGES_AT_ONCE = 2;

    private final DeliveryRepository repository;
    private final EventMapper mapper;
    private final SalesforceClient salesforce;
    private final ThinEventFetcher thinEvents;
    private final DeliveryMetrics metrics;
    private final DeliveryConfig config;
    private final int batchSize;
    private final Backoff backoff;
    private final String replica;
    private final AtomicLong turns = new AtomicLong();
    private final NextDue nextDue = new NextDue();
    /** A call's timeout plus the retries started within half of it. */
    private final Duration longestCall;
    /** The replica's Salesforce calls in flight, shared by its workers' turns. */
    private final TypedGuard<Uni<Map<RecordKey, RecordOutcome>>> callSlots;

    @Inject
    public DeliveryService(DeliveryRepository repository, EventMapper mapper, SalesforceClient salesforce,
            ThinEventFetcher thinEvents, DeliveryMetrics metrics, DeliveryConfig config,
            SalesforceConfig salesforceConfig) {
        this(repository, mapper, salesforce, thinEvents, metrics, config, salesforceConfig, replicaName());
    }

    /** A pipeline under a replica name of its own: a second replica, in tests. */
    public DeliveryService(DeliveryRepository repository, EventMapper mapper, SalesforceClient salesforce,
            ThinEventFetcher thinEvents, DeliveryMetrics metrics, DeliveryConfig config,
            SalesforceConfig salesforceConfig, String replica) {
        checkTimings(config, salesforceConfig, thinEvents.timeout());
        this.repository = repository;
        this.mapper = mapper;
        this.salesforce = salesforce;
        this.thinEvents = thinEvents;
        this.metrics = metrics;
        this.config = config;
        this.batchSize = salesforceConfig.batchSize();
        this.backoff = new Backoff(config.minBackoff(), config.maxBackoff());
        this.replica = replica;
        this.callSlots = callSlots(config);
        this.longestCall = longestCall(salesforceConfig);
    }

    /**
     * A bulkhead outside the Salesforce client's own guard, so that waiting for a slot never counts
     * towards a call's timeout or the breaker. Each turn has at most {@code concurrency} calls
     * started or waiting, and each worker at most two turns with calls out (the one whose calls it
     * waits on while the next is planned, and that next one), so the queue holds every other turn's;
     * only the calls of a turn abandoned while they waited could overflow it, and those are released,
     * not failed.
     */
    private static TypedGuard<Uni<Map<RecordKey, RecordOutcome>>> callSlots(DeliveryConfig config) {
        return TypedGuard.create(new TypeLiteral<Uni<Map<RecordKey, RecordOutcome>>>() {
                })
                .withDescription("Salesforce calls of one replica")
                .withBulkhead()
                .limit(config.concurrency())
                .queueSize(2 * config.workers() * config.concurrency())
                .done()
                .build();
    }

    /**
     * A call can take its timeout plus retries started within half of it; the records it pushes
     * must stay leased until it ends, or another replica could push them at the same time, and a
     * turn must not be abandoned while such a call is still running.
     */
    private static void checkTimings(DeliveryConfig config, SalesforceConfig salesforceConfig, Duration fetchTimeout) {
        Duration longestCall = longestCall(salesforceConfig);
        // A turn with thin events fetches from Stripe before it pushes: its event claims should outlast
        // both. Only a warning: a deployment without thin events never fetches, and a claim that runs
        // out is taken again elsewhere and settled once (a settle needs the lease), at worst one more push.
        if (config.lease().compareTo(longestCall.plus(fetchTimeout)) <= 0) {
            LOG.warnf("paybridge.delivery.lease (%s) should be longer than 1.5 x paybridge.salesforce.timeout (%s) "
                    + "plus paybridge.stripe.fetch-timeout (%s), or a turn with thin events can outlive its claims",
                    config.lease(), salesforceConfig.timeout(), fetchTimeout);
        }
        if (config.lease().compareTo(longestCall) <= 0) {
            throw new IllegalStateException("paybridge.delivery.lease (" + config.lease()
                    + ") must be longer than 1.5 x paybridge.salesforce.timeout (" + salesforceConfig.timeout() + ")");
        }
        if (turnTimeout(config).compareTo(longestCall) <= 0) {
            throw new IllegalStateException("paybridge.delivery.turn-timeout (" + turnTimeout(config)
                    + ") must be longer than 1.5 x paybridge.salesforce.timeout (" + salesforceConfig.timeout() + ")");
        }
    }

    private static Duration longestCall(SalesforceConfig salesforceConfig) {
        return salesforceConfig.timeout().multipliedBy(3).dividedBy(2);
    }

    /** {@code paybridge.delivery.turn-timeout}, by default twice the lease. */
    static Duration turnTimeout(DeliveryConfig config) {
        return config.turnTimeout().orElse(config.lease().multipliedBy(2));
    }

    /**
     * One whole turn, its calls and settle included.
     *
     * @return how many events were claimed; zero when nothing was due
     */
    public Uni<Integer> deliverOnce() {
        return start(0)
                .call(StartedTurn::callsAndSettle)
                .map(StartedTurn::claimed);
    }

    /**
     * The first part of a turn of one of this replica's workers: claim, map, lease the records, plan
     * the calls. What is left, the calls and the settle, is the started turn's
     * {@link StartedTurn#callsAndSettle()}, which runs once subscribed: the worker can claim its next
     * turn while these calls are in flight. Each turn leases under a name of its own, so that two
     * turns never hold the same record, and a turn abandoned after its timeout can never settle or
     * let go of what a later turn holds.
     */
    public Uni<StartedTurn> start(int worker) {
        Turn turn = new Turn(replica + "/" + worker + "/" + turns.incrementAndGet());
        return repository.claim(turn.lessee, config.claimSize(), config.claimObjects(), config.claimBytes().asLongValue(),
                        config.lease())
                .invoke(turn::claimed)
                .chain(() -> prepare(turn))
                .onCancellation().invoke(turn::abandoned)
                .onFailure().call(failure -> giveBack(turn));
    }

    private Uni<StartedTurn> prepare(Turn turn) {
        if (turn.claimed.isEmpty()) {
            return Uni.createFrom().item(StartedTurn.NOTHING_DUE);
        }
        return fetchThinEvents(turn)
                .chain(fetches -> mapInPages(turn, fetches))
                .invoke(turn.mapped::put)
                .chain(mapped -> leaseRecords(turn, mapped))
                .chain(held -> planCalls(turn, held))
                .call(pushes -> giveBackHeldBack(turn, pushes))
                .map(pushes -> started(turn, pushes));
    }

    /**
     * The records a turn leaves for the next turn's calls go back at once with their events, before
     * this turn's calls go out: the worker's next turn, claimed while those calls are in flight,
     * takes them first. Settled with this turn, they came back only after that claim, and the end of
     * a backlog went out in small turns of their own (about 0.15 s of a 0.9 s drain of 10,000 story
     * events, 2026-12-07). Their later settle finds them no longer this turn's and leaves them be.
     */
    private Uni<Void> giveBackHeldBack(Turn turn, Pushes pushes) {
        if (pushes.heldBack().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        turn.letGo(pushes.heldBack());
        return repository.giveBack(turn.lessee, pushes.heldBackEvents(), pushes.heldBack());
    }

    /** The planned turn, whose calls go out when the worker subscribes to them. */
    private StartedTurn started(Turn turn, Pushes pushes) {
        Uni<Void> callsAndSettle = pushAndSettle(turn, pushes)
                .onCancellation().invoke(turn::abandoned)
                .onFailure().call(failure -> giveBack(turn));
        return new StartedTurn(turn.claimed.size(), callsAndSettle);
    }

    /**
     * A turn whose calls are planned: how many events it claimed, and its calls and settle, which
     * start when subscribed (once: the worker that started the turn subscribes).
     */
    public record StartedTurn(int claimed, Uni<Void> callsAndSettle) {
        static final StartedTurn NOTHING_DUE = new StartedTurn(0, Uni.createFrom().voidItem());
    }

    /** The objects of the claim's thin events, from the Stripe API; none for a claim without any. */
    private Uni<ThinEventFetcher.Fetches> fetchThinEvents(Turn turn) {
        List<ClaimedEvent> toFetch = routedThinEvents(turn.unmapped.peek());
        if (toFetch.isEmpty()) {
            return Uni.createFrom().item(ThinEventFetcher.Fetches.NONE);
        }
        return thinEvents.fetch(toFetch);
    }

    /** Thin events worth fetching for: one no route takes is skipped without a call. */
    private List<ClaimedEvent> routedThinEvents(List<ClaimedEvent> events) {
        List<ClaimedEvent> routed = new ArrayList<>();
        for (ClaimedEvent event : events) {
            if (event.thin() && mapper.routes(ThinEventFetcher.snapshotType(event.type()))) {
                routed.add(event);
            }
        }
        return routed;
    }

    /**
     * The claimed events' payloads are read and mapped a page at a time, the next page read while
     * one is mapped: a turn holds two pages of payloads at most (see {@link PayloadPages} for why
     * not all at once). The plan orders the events, so pages may finish in any order.
     */
    private Uni<List<MappedEvent>> mapInPages(Turn turn, ThinEventFetcher.Fetches fetches) {
        List<List<ClaimedEvent>> pages = PayloadPages.of(turn.unmapped.take(), this::needsPayload);
        return Multi.createFrom().iterable(pages)
                .onItem().transformToUni(page -> mapPage(turn, page, fetches)).merge(PAGES_AT_ONCE)
                .collect().in(ArrayList<MappedEvent>::new, List::addAll);
    }

    /** An event no route takes is settled from its row alone: its payload would be read for nothing. */
    private boolean needsPayload(ClaimedEvent event) {
        return mapper.routes(event.thin() ? ThinEventFetcher.snapshotType(event.type()) : event.type());
    }

    private Uni<List<MappedEvent>> mapPage(Turn turn, List<ClaimedEvent> page, ThinEventFetcher.Fetches fetches) {
        List<ClaimedEvent.EventRef> toRead = page.stream()
                .filter(this::needsPayload)
                .map(ClaimedEvent::ref)
                .toList();
        return repository.payloads(toRead)
                .map(payloads -> map(turn, page, payloads, fetches));
    }

    /**
     * On a worker thread: mapping thousands of events takes CPU in proportion, never on the event
     * loop that also answers Stripe's webhooks. What comes out holds no payload: a page's payloads
     * are let go here, not when the turn settles after its Salesforce calls.
     */
    private List<MappedEvent> map(Turn turn, List<ClaimedEvent> page, Map<ClaimedEvent.EventRef, byte[]> payloads,
            ThinEventFetcher.Fetches fetches) {
        List<MappedEvent> mapped = new ArrayList<>(page.size());
        for (ClaimedEvent event : page) {
            byte[] payload = payloads.get(event.ref());
            if (payload == null) {
                // No route takes the type the row names (or the event was purged since its claim).
                mapped.add(new MappedEvent(event, List.of(), null));
            } else if (event.thin()) {
                mapThin(turn, event, payload, fetches.of(event), mapped);
            } else {
                mapSnapshot(event, payload, mapped);
            }
        }
        return mapped;
    }

    private void mapSnapshot(ClaimedEvent event, byte[] payload, List<MappedEvent> mapped) {
        try {
            List<RecordWrite> writes = mapper.map(event.account(), payload);
            mapped.add(new MappedEvent(event, writes, null));
        } catch (RuntimeException unreadable) {
            mapped.add(new MappedEvent(event, List.of(), unreadable.getMessage()));
        }
    }

    /**
     * A fetched thin event maps as the snapshot event of its type would, ranked by the fetched
     * object's status; one that could not be fetched is settled as it is, with no Salesforce call.
     */
    private void mapThin(Turn turn, ClaimedEvent event, byte[] payload, StripeFetch fetch, List<MappedEvent> mapped) {
        switch (fetch.kind()) {
            case RETRY -> turn.unfetched(afterPush(event, RecordOutcome.retry(fetch.error())));
            case FAILED -> turn.unfetched(afterPush(event, RecordOutcome.dead(fetch.error())));
            case FETCHED -> {
                turn.fetched(event, fetch.body());
                try {
                    JsonNode object = ThinEventFetcher.readObject(fetch.body());
                    ClaimedEvent placed = event.withObjectStatus(object.path("status").asText(null));
                    List<RecordWrite> writes = mapper.map(event.account(), ThinEventFetcher.asSnapshot(event, payload, object));
                    mapped.add(new MappedEvent(placed, writes, null));
                } catch (IOException | RuntimeException unreadable) {
                    mapped.add(new MappedEvent(event, List.of(), unreadable.getMessage()));
                }
            }
        }
    }

    private Uni<Map<RecordKey, RecordState>> leaseRecords(Turn turn, List<MappedEvent> mapped) {
        Set<RecordKey> wanted = new LinkedHashSet<>();
        mapped.forEach(event -> wanted.addAll(event.recordKeys()));
        // Taken before the statement: the database's lease starts later, never earlier.
        long leasedUntil = System.nanoTime() + config.lease().toNanos();
        return repository.leaseRecords(turn.lessee, wanted, config.lease())
                .invoke(held -> turn.held(held.keySet(), leasedUntil));
    }

    /**
     * Planning and settling a turn of thousands of events takes CPU in proportion: on a worker
     * thread, as the mapping, never on the event loop that also answers Stripe's webhooks.
     */
    private Uni<Pushes> planCalls(Turn turn, Map<RecordKey, RecordState> held) {
        return Uni.createFrom().item(() -> pushes(turn, turn.mapped.take(), held))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Pushes pushes(Turn turn, List<MappedEvent> mapped, Map<RecordKey, RecordState> held) {
        List<MappedEvent> ready = new ArrayList<>();
        List<ClaimedEvent> waiting = new ArrayList<>();
        for (MappedEvent event : mapped) {
            if (held.keySet().containsAll(event.recordKeys())) {
                ready.add(event);
            } else {
                // Another turn is pushing one of its records: it comes back right after that push.
                waiting.add(event.event());
            }
        }
        DeliveryPlan plan = DeliveryPlan.of(ready, held);
        List<Call> calls = new ArrayList<>();
        List<RecordKey> heldBack = new ArrayList<>();
        bySObject(plan.records()).forEach(records -> {
            CallBatches<PlannedRecord> batches = CallBatches.of(records, batchSize, salesforce::batches, turn.moreDue,
                    Comparator.comparing(record -> oldestReceived(plan, record)), record -> mayWait(plan, record));
            batches.calls().forEach(batch -> calls.add(new Call(batch, turn)));
            batches.heldBack().forEach(record -> heldBack.add(record.key()));
        });
        return new Pushes(plan, calls, heldBack, contributors(plan, heldBack), waiting);
    }

    private static List<ClaimedEvent.EventRef> contributors(DeliveryPlan plan, List<RecordKey> records) {
        if (records.isEmpty()) {
            return List.of();
        }
        Set<RecordKey> wanted = Set.copyOf(records);
        List<ClaimedEvent.EventRef> events = new ArrayList<>();
        plan.records().stream()
                .filter(record -> wanted.contains(record.key()))
                .forEach(record -> events.addAll(record.contributors()));
        return events;
    }

    private Uni<Void> pushAndSettle(Turn turn, Pushes pushes) {
        return Multi.createFrom().iterable(pushes.calls())
                .onItem().transformToUni(this::upsert).merge(config.concurrency())
                .collect().in(HashMap<RecordKey, RecordOutcome>::new, Map::putAll)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .chain(results -> settle(turn, pushes, results));
    }

    /** The records a Collections call can carry together: one SObject, one external id field. */
    private static Collection<List<PlannedRecord>> bySObject(Collection<PlannedRecord> records) {
        Map<String, List<PlannedRecord>> bySObject = new LinkedHashMap<>();
        records.forEach(record -> bySObject
                .computeIfAbsent(record.key().sobject() + '\n' + record.externalIdField(), k -> new ArrayList<>())
                .add(record));
        return bySObject.values();
    }

    /**
     * Whether a record can wait for the next turn on its own. Not one of thin events, whose objects
     * were fetched for this turn. Nor one an event writes with another record: the event would come
     * back with it and push the other record again (in a story backlog an invoice_payment.paid writes
     * its invoice and its payment; held back with the payment, it pushed the invoice twice, and a
     * 10,000-event drain pushed its records 1.10 times instead of 1.00-1.04, 2026-12-06).
     */
    private static boolean mayWait(DeliveryPlan plan, PlannedRecord record) {
        return record.contributors().stream().noneMatch(contributor -> plan.event(contributor).thin()
                || plan.pushedBy().get(contributor).size() > 1);
    }

    /** When the oldest event a record collapses arrived: the claim takes events in about that order. */
    private static Instant oldestReceived(DeliveryPlan plan, PlannedRecord record) {
        Instant oldest = Instant.MAX;
        for (ClaimedEvent.EventRef contributor : record.contributors()) {
            Instant received = plan.event(contributor).receivedAt();
            if (received.isBefore(oldest)) {
                oldest = received;
            }
        }
        return oldest;
    }

    private Uni<Map<RecordKey, RecordOutcome>> upsert(Call call) {
        DeliveryMetrics.WaitingCall waiting = metrics.callWaiting();
        return callSlots.get(() -> startedCall(waiting, call))
                .onTermination().invoke(waiting::over)
                .onFailure(BulkheadException.class)
                .recoverWithItem(() -> allRecords(call, RecordOutcome.released("no Salesforce call slot free")))
                .invoke(outcomes -> metrics.records(call.sobject(), outcomes.values()));
    }

    /**
     * A call waits for a slot after its records were leased: one that could still be running when
     * their lease runs out (another replica could then push them too), or whose turn was abandoned
     * while it waited, is not made, and its events come back without spending an attempt.
     */
    private Uni<Map<RecordKey, RecordOutcome>> startedCall(DeliveryMetrics.WaitingCall waiting, Call call) {
        waiting.over();
        if (!call.turn().mayStartCall(longestCall)) {
            return Uni.createFrom().item(allRecords(call,
                    RecordOutcome.released("call not made: its records' lease could run out before it ended")));
        }
        return callSalesforce(call);
    }

    private Uni<Map<RecordKey, RecordOutcome>> callSalesforce(Call call) {
        PlannedRecord first = call.records().get(0);
        return salesforce.upsert(first.key().sobject(), first.externalIdField(), call.bodies())
                .map(results -> perRecord(call, results))
                .onFailure(SalesforceException.class).recoverWithItem(failure -> wholeCall(call, (SalesforceException) failure))
                .onFailure().recoverWithItem(failure -> allRecords(call, RecordOutcome.retry(failure.toString())));
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

    private static Map<RecordKey, RecordOutcome> wholeCall(Call call, SalesforceException failure) {
        String error = failure.errorCode() + ": " + failure.getMessage();
        return switch (failure.kind()) {
            case TRANSIENT -> allRecords(call, RecordOutcome.retry(error));
            case REJECTED -> allRecords(call, RecordOutcome.dead(error));
            case CIRCUIT_OPEN, LIMIT_EXCEEDED -> allRecords(call, RecordOutcome.released(error));
        };
    }

    private static Map<RecordKey, RecordOutcome> allRecords(Call call, RecordOutcome outcome) {
        Map<RecordKey, RecordOutcome> outcomes = new HashMap<>();
        call.records().forEach(record -> outcomes.put(record.key(), outcome));
        return outcomes;
    }

    private Uni<Void> settle(Turn turn, Pushes pushes, Map<RecordKey, RecordOutcome> results) {
        DeliveryPlan plan = pushes.plan();
        List<SettledEvent> settled = new ArrayList<>();
        plan.settled().forEach((ref, outcome) -> {
            ClaimedEvent event = plan.event(ref);
            settled.add(new SettledEvent(ref, outcome.status(), event.attempts(), Duration.ZERO, outcome.reason()));
            log(event, outcome.status(), outcome.reason());
        });
        Set<ClaimedEvent.EventRef> givenBack = Set.copyOf(pushes.heldBackEvents());
        plan.outcomesOfPushedEvents(results).forEach((ref, outcome) -> {
            if (!givenBack.contains(ref)) {
                settled.add(afterPush(plan.event(ref), outcome));
            }
        });
        pushes.waiting().forEach(event -> settled.add(new SettledEvent(event.ref(), event.status(), event.attempts(),
                RECORD_BUSY_DELAY, null)));
        settled.addAll(turn.unfetched);
        Map<RecordKey, WrittenRecord> written = new HashMap<>();
        plan.records().forEach(record -> {
            RecordOutcome outcome = results.get(record.key());
            if (outcome != null && outcome.kind() == RecordOutcome.Kind.DELIVERED) {
                written.put(record.key(), new WrittenRecord(record, outcome.salesforceId()));
            }
        });
        Instant now = Instant.now();
        return repository.settle(turn.lessee, settled, turn.held, written, turn.fetched)
                .invoke(() -> metrics.settled(settled, plan, now))
                .invoke(() -> rememberNextDue(settled));
    }

    /**
     * The database dates an event due again from the start of the settle, by its own clock: a moment
     * taken once it has answered is never earlier, so a worker woken then finds the event due. One
     * taken before the settle can be, by the wait for a connection: the claim then finds nothing, and
     * the worker, its due moment spent, rests until the poll (a second, by default).
     */
    private void rememberNextDue(List<SettledEvent> settled) {
        Instant now = Instant.now();
        settled.stream()
                .filter(event -> !event.status().done())
                .map(event -> now.plus(event.dueIn()))
                .min(Instant::compareTo)
                .ifPresent(nextDue::add);
    }

    /**
     * How long a resting worker may wait before events this replica handed back come due: they
     * need no notification and should not wait for the poll interval either.
     */
    Duration untilNextDue() {
        return nextDue.until(Instant.now());
    }

    /** Done once events are handed back after this call: see {@link NextDue#nextAdded()}. */
    CompletableFuture<Void> handedBackLater() {
        return nextDue.nextAdded();
    }

    private SettledEvent afterPush(ClaimedEvent event, RecordOutcome outcome) {
        int attempts = event.attempts() + 1;
        SettledEvent settled = switch (outcome.kind()) {
            case DELIVERED -> new SettledEvent(event.ref(), EventStatus.DELIVERED, attempts, Duration.ZERO, null);
            case DEAD -> new SettledEvent(event.ref(), EventStatus.DEAD, attempts, Duration.ZERO, outcome.error());
            case RELEASED -> new SettledEvent(event.ref(), event.status(), event.attempts(), untilCallsResume(),
                    outcome.error());
            case RETRY -> attempts >= config.maxAttempts()
                    ? new SettledEvent(event.ref(), EventStatus.DEAD, attempts, Duration.ZERO,
                            "gave up after " + attempts + " attempts: " + outcome.error())
                    : new SettledEvent(event.ref(), EventStatus.RETRYING, attempts, backoff.after(attempts),
                            outcome.error());
        };
        log(event, settled.status(), settled.lastError());
        return settled;
    }

    /**
     * When an event not attempted is due again: once this replica may call again (the limit pause
     * or the open circuit over), and, for a call that found no slot or could not end within its
     * records' lease, as soon as a turn can take it up again. Never the poll interval: the workers
     * wake for what this replica hands back, and a long poll would leave it waiting that long.
     */
    private Duration untilCallsResume() {
        Duration refused = salesforce.callsRefusedFor();
        return refused.compareTo(RECORD_BUSY_DELAY) > 0 ? refused : RECORD_BUSY_DELAY;
    }

    /** Lets go of a failed turn's claims and records; the turn's own failure is what is reported. */
    private Uni<Void> giveBack(Turn turn) {
        return repository.giveBack(turn.lessee, turn.claimed, turn.held)
                .onFailure().invoke(failure -> LOG.debugf("Claims of a failed turn not given back, they come back "
                        + "after their lease: %s", failure.toString()))
                .onFailure().recoverWithNull();
    }

    private static void log(ClaimedEvent event, EventStatus status, String reason) {
        if (status == EventStatus.DELIVERED || status == EventStatus.SKIPPED) {
            LOG.debugf("Event %s (%s) of account %s: %s%s", event.eventId(), event.type(), event.account(), status.value(),
                    reason == null ? "" : " (" + reason + ")");
        } else {
            LOG.infof("Event %s (%s) of account %s: %s (%s)", event.eventId(), event.type(), event.account(),
                    status.value(), reason);
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

    /**
     * A turn's plan, its Salesforce calls, the records it leaves for the next turn's calls with the
     * events that write them, and the events whose records another turn holds.
     */
    private record Pushes(DeliveryPlan plan, List<Call> calls, List<RecordKey> heldBack,
            List<ClaimedEvent.EventRef> heldBackEvents, List<ClaimedEvent> waiting) {
    }

    private record Call(List<PlannedRecord> records, Turn turn) {
        String sobject() {
            return records.get(0).key().sobject();
        }

        List<Map<String, Object>> bodies() {
            return records.stream().map(PlannedRecord::body).toList();
        }
    }

    /** What one turn holds: given back at once if the turn fails. */
    private static final class Turn {
        private final String lessee;
        private volatile List<ClaimedEvent.EventRef> claimed = List.of();
        /** The claim left due events behind: a next turn will take them, and can fill this one's partial calls. */
        private volatile boolean moreDue;
        /** The claimed events, until they are mapped. */
        private final HandOff<ClaimedEvent> unmapped = new HandOff<>();
        /**
         * What the claimed events write, until the plan has collapsed it into records: a turn's
         * writes outweigh its records several times over and need not outlive its calls.
         */
        private final HandOff<MappedEvent> mapped = new HandOff<>();
        private volatile Set<RecordKey> held = Set.of();
        /** {@link System#nanoTime()} by which the held records' lease has surely run out. */
        private volatile long recordsLeasedUntil;
        private volatile boolean abandoned;
        /** Thin events' objects as fetched, kept on the events; filled before the turn's pushes. */
        private final Map<ClaimedEvent.EventRef, byte[]> fetched = new java.util.concurrent.ConcurrentHashMap<>();
        /** Thin events whose object could not be fetched, settled without a push. */
        private final List<SettledEvent> unfetched = new java.util.concurrent.CopyOnWriteArrayList<>();

        Turn(String lessee) {
            this.lessee = lessee;
        }

        void fetched(ClaimedEvent event, byte[] object) {
            fetched.put(event.ref(), object);
        }

        void unfetched(SettledEvent event) {
            unfetched.add(event);
        }

        void claimed(DeliveryRepository.Claim claim) {
            claimed = claim.events().stream().map(ClaimedEvent::ref).toList();
            moreDue = claim.moreDue();
            unmapped.put(claim.events());
        }

        void held(Set<RecordKey> records, long leasedUntilNanos) {
            held = Set.copyOf(records);
            recordsLeasedUntil = leasedUntilNanos;
        }

        /** Records given back before the turn's calls: no longer this turn's to let go. */
        void letGo(List<RecordKey> records) {
            Set<RecordKey> kept = new java.util.HashSet<>(held);
            records.forEach(kept::remove);
            held = Set.copyOf(kept);
        }

        void abandoned() {
            abandoned = true;
        }

        boolean mayStartCall(Duration longestCall) {
            return !abandoned && System.nanoTime() + longestCall.toNanos() < recordsLeasedUntil;
        }
    }

    /**
     * A turn's data on its way from one step to the next: the step that takes it leaves nothing
     * behind, so that the turn does not keep it reachable through its Salesforce calls.
     */
    private static final class HandOff<T> {
        private final AtomicReference<List<T>> items = new AtomicReference<>(List.of());

        void put(List<T> handed) {
            items.set(handed);
        }

        List<T> peek() {
            return items.get();
        }

        List<T> take() {
            return items.getAndSet(List.of());
        }
    }
}
