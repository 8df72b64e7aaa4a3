package io.paybridge.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.paybridge.app.RunMode;
import io.paybridge.delivery.DeliveryRepository.SettledEvent;
import io.paybridge.event.EventStatus;
import io.paybridge.mapping.Route;
import io.paybridge.mapping.Routes;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * {@code paybridge_events{status}}, {@code paybridge_oldest_pending_age_seconds},
 * {@code paybridge_delivery_lag_seconds}, {@code paybridge_delivery_last_turn_age_seconds},
 * {@code paybridge_delivery_calls_waiting} and
 * {@code paybridge_salesforce_records_total{sobject,outcome}}. The first two come from the database,
 * shared by every replica, refreshed on a schedule rather than on every scrape.
 *
 * <p>Created at startup, with the records of every SObject the routes write counted at zero for
 * every outcome: with delivery off nothing else would create these series, and a series that
 * appears with its first increment leaves {@code rate()} blind after every restart.
 */
@ApplicationScoped
@Startup
public class DeliveryMetrics {

    private static final Logger LOG = Logger.getLogger(DeliveryMetrics.class);
    /**
     * One fold at a time across replicas: a fold that began before another committed would not see
     * the other's folded rows, and would report counts without them.
     */
    private static final String ONE_FOLD_AT_A_TIME = "SELECT pg_advisory_xact_lock(hashtext('paybridge.event_status_count'))";
    /**
     * The statuses' counts, kept by triggers as appended deltas (B12__schema.sql),
     * folded into one row per status and read in one statement, whatever the size of the table.
     */
    private static final String COUNTS = """
            WITH folded AS (DELETE FROM event_status_count RETURNING status, delta)
            INSERT INTO event_status_count (status, delta)
            SELECT status, sum(delta) FROM folded GROUP BY status
            RETURNING status, delta
            """;
    private static final String OLDEST = """
            SELECT coalesce(extract(epoch FROM now() - min(received_at)), 0)
              FROM stripe_event WHERE status IN ('pending', 'retrying')
            """;

    private final MeterRegistry registry;
    private final Pool pool;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final AtomicLong oldestPendingMillis = new AtomicLong();
    private final AtomicInteger callsWaiting = new AtomicInteger();
    private final Meter.MeterProvider<Counter> records;
    private final Timer lag;
    /** Null while no pipeline runs here (delivery disabled, or a command's process). */
    private volatile Instant lastTurnEnded;

    public DeliveryMetrics(MeterRegistry registry, Pool pool, Routes routes) {
        this.registry = registry;
        this.records = Counter.builder("paybridge.salesforce.records")
                .description("Records sent to Salesforce, by SObject and outcome")
                .withRegistry(registry);
        routes.routes().stream().map(Route::sobject).distinct().forEach(sobject -> {
            for (RecordOutcome.Kind kind : RecordOutcome.Kind.values()) {
                record(sobject, kind);
            }
        });
        this.pool = pool;
        for (EventStatus status : EventStatus.values()) {
            Gauge.builder("paybridge.events", counts.computeIfAbsent(status.value(), s -> new AtomicLong()), AtomicLong::get)
                    .description("Stored events by delivery status")
                    .tag("status", status.value())
                    .register(registry);
        }
        // NaN where no pipeline runs: an age that grew from the start of a replica with delivery
        // disabled would raise the stuck-delivery alert on a healthy one.
        Gauge.builder("paybridge.delivery.last.turn.age.seconds", this, DeliveryMetrics::lastTurnAgeSeconds)
                .description("Time since a delivery turn last ended; grows without bound when the pipeline is stuck;"
                        + " NaN where delivery does not run")
                .register(registry);
        Gauge.builder("paybridge.delivery.calls.waiting", callsWaiting, AtomicInteger::get)
                .description("Salesforce calls of this replica's turns waiting for one of its"
                        + " paybridge.delivery.concurrency slots; often above zero: Salesforce is what limits delivery")
                .register(registry);
        Gauge.builder("paybridge.oldest.pending.age.seconds", oldestPendingMillis, millis -> millis.get() / 1000.0)
                .description("Age of the oldest event waiting for delivery (pending or retrying)")
                .register(registry);
        this.lag = Timer.builder("paybridge.delivery.lag")
                .description("Time from an event's arrival to its delivery to Salesforce")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(24))
                .register(registry);
    }

    /** Serving replicas only: nobody scrapes a command's process, so it has no counts to keep fresh. */
    @Scheduled(every = "${paybridge.metrics.refresh:10s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = RunMode.NotServing.class)
    Uni<Void> refresh() {
        return pool.withTransaction(connection -> connection.query(ONE_FOLD_AT_A_TIME).execute()
                        .chain(() -> connection.query(COUNTS).execute())
                        .invoke(this::counted)
                        .chain(() -> connection.query(OLDEST).execute())
                        .invoke(rows -> oldestPendingMillis.set(Math.round(rows.iterator().next().getDouble(0) * 1000))))
                .onFailure().invoke(failure -> LOG.debugf("Event counts not refreshed: %s", failure.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private void counted(RowSet<Row> rows) {
        counts.values().forEach(count -> count.set(0));
        for (Row row : rows) {
            counts.computeIfAbsent(row.getString(0), s -> new AtomicLong()).set(row.getLong(1));
        }
    }

    void records(String sobject, Collection<RecordOutcome> outcomes) {
        outcomes.forEach(outcome -> record(sobject, outcome.kind()).increment());
    }

    private Counter record(String sobject, RecordOutcome.Kind kind) {
        return records.withTags("sobject", sobject, "outcome", kind.name().toLowerCase(Locale.ROOT));
    }

    /** A turn ended, with work or without, failed or not: the pipeline is not stuck. */
    void turnEnded() {
        lastTurnEnded = Instant.now();
    }

    /** Zero where no pipeline runs. */
    Duration lastTurnAge() {
        Instant ended = lastTurnEnded;
        return ended == null ? Duration.ZERO : Duration.between(ended, Instant.now());
    }

    private double lastTurnAgeSeconds() {
        return lastTurnEnded == null ? Double.NaN : lastTurnAge().toMillis() / 1000.0;
    }

    /** A call now waiting for a slot, until it starts or is given up. */
    WaitingCall callWaiting() {
        callsWaiting.incrementAndGet();
        return new WaitingCall(callsWaiting);
    }

    void settled(List<SettledEvent> settled, DeliveryPlan plan, Instant now) {
        settled.stream()
                .filter(event -> event.status() == EventStatus.DELIVERED)
                .map(event -> plan.event(event.ref()))
                .filter(event -> event != null)
                .forEach(event -> lag.record(Duration.between(event.receivedAt(), now)));
    }

    /** One call counted as waiting; it stops counting once, whether it started or was given up. */
    static final class WaitingCall {
        private final AtomicInteger waiting;
        private final AtomicBoolean over = new AtomicBoolean();

        private WaitingCall(AtomicInteger waiting) {
            this.waiting = waiting;
        }

        void over() {
            if (over.compareAndSet(false, true)) {
                waiting.decrementAndGet();
            }
        }
    }
}
