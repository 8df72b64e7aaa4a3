package io.paybridge.intake;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.paybridge.accounts.Accounts;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code paybridge_webhook_requests_total{account,outcome}} and
 * {@code paybridge_webhook_ack_seconds}, plus what the group commit does with each webhook:
 * {@code paybridge_intake_queue_seconds} (arrival in the queue to the start of its insert),
 * {@code paybridge_intake_commit_seconds} (one multi-row insert and its commit) and
 * {@code paybridge_intake_batch_size} (events per insert). An ack time is roughly queue plus commit
 * plus the HTTP work around them, so the three tell whether a slow answer waited for its turn or
 * for the disk. The account label only ever takes a configured name (or {@code unknown}), so a
 * scanner cannot blow up the series count.
 *
 * <p>Created at startup, with every outcome of every account counted at zero: the series would
 * otherwise appear with the first webhook after a restart, and {@code rate()} and the alert on
 * {@code storage_unavailable} see nothing until then.
 */
@ApplicationScoped
@Startup
public class IntakeMetrics {

    static final String UNKNOWN_ACCOUNT = "unknown";

    private final MeterRegistry registry;
    private final Accounts accounts;
    /** By account, then outcome: two lookups of existing keys, where one of a joined key built a string per request. */
    private final Map<String, Map<String, Counter>> requests = new ConcurrentHashMap<>();
    private final Timer ack;
    private final Timer queue;
    private final Timer commit;
    private final DistributionSummary batchSize;

    public IntakeMetrics(MeterRegistry registry, Accounts accounts, IntakeConfig config) {
        this.registry = registry;
        this.accounts = accounts;
        this.ack = timer(registry, "paybridge.webhook.ack", "Time from a webhook's arrival to its answer",
                Duration.ofMillis(1));
        // Sub-millisecond buckets: under a steady load most events wait less than one.
        this.queue = timer(registry, "paybridge.intake.queue", "Time a verified webhook waits for the insert that takes it",
                Duration.ofNanos(100_000));
        this.commit = timer(registry, "paybridge.intake.commit", "Time of one multi-row insert, from sending it to its commit",
                Duration.ofNanos(100_000));
        this.batchSize = DistributionSummary.builder("paybridge.intake.batch.size")
                .description("Events written by one insert")
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue((double) config.maxBatchSize())
                .register(registry);
        for (String account : accounts.names()) {
            for (StoreOutcome stored : StoreOutcome.values()) {
                requests(account, stored.label());
            }
            for (IntakeError error : IntakeError.values()) {
                if (error != IntakeError.UNKNOWN_ACCOUNT) {
                    requests(account, error.code());
                }
            }
        }
        // A name that is not configured is answered unknown_account, or method_not_allowed for a
        // method other than POST: nothing else is ever counted under it.
        requests(UNKNOWN_ACCOUNT, IntakeError.UNKNOWN_ACCOUNT.code());
        requests(UNKNOWN_ACCOUNT, IntakeError.METHOD_NOT_ALLOWED.code());
    }

    /**
     * The intake's times share one histogram shape: percentile buckets from {@code shortest} up to
     * ten seconds; only the floor differs between them.
     */
    private static Timer timer(MeterRegistry registry, String name, String description, Duration shortest) {
        return Timer.builder(name)
                .description(description)
                .publishPercentileHistogram()
                .minimumExpectedValue(shortest)
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    /** {@code paybridge_intake_queued_events}: webhooks waiting for their insert. */
    void watchQueue(Supplier<Number> queuedEvents) {
        Gauge.builder("paybridge.intake.queued.events", queuedEvents)
                .description("Webhooks waiting for their insert")
                .register(registry);
    }

    /** One insert has started with {@code size} events. */
    void batchStarted(int size) {
        batchSize.record(size);
    }

    /** One event left the queue for an insert after waiting {@code nanos}. */
    void queued(long nanos) {
        queue.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One insert ended, committed or not, after {@code nanos}. */
    void committed(long nanos) {
        commit.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void record(String account, String outcome, long startNanos) {
        ack.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        String label = accounts.find(account).isPresent() ? account : UNKNOWN_ACCOUNT;
        requests(label, outcome).increment();
    }

    private Counter requests(String account, String outcome) {
        return requests.computeIfAbsent(account, key -> new ConcurrentHashMap<>())
                .computeIfAbsent(outcome, key -> Counter.builder("paybridge.webhook.requests")
                        .description("Webhooks received, by account and outcome")
                        .tag("account", account)
                        .tag("outcome", outcome)
                        .register(registry));
    }
}
