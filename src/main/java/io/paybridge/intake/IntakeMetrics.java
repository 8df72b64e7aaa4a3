package io.paybridge.intake;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.paybridge.accounts.Accounts;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code paybridge_webhook_requests_total{account,outcome}} and
 * {@code paybridge_webhook_ack_seconds}. The account label only ever takes a configured name (or
 * {@code unknown}), so a scanner cannot blow up the series count.
 */
@ApplicationScoped
public class IntakeMetrics {

    static final String UNKNOWN_ACCOUNT = "unknown";

    private final MeterRegistry registry;
    private final Accounts accounts;
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Timer ack;

    public IntakeMetrics(MeterRegistry registry, Accounts accounts, IntakeRepository repository) {
        this.registry = registry;
        this.accounts = accounts;
        this.ack = Timer.builder("paybridge.webhook.ack")
                .description("Time from a webhook's arrival to its answer")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        Gauge.builder("paybridge.intake.queued.events", repository, IntakeRepository::queuedEvents)
                .description("Webhooks waiting for their insert")
                .register(registry);
    }

    public void record(String account, String outcome, long startNanos) {
        ack.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        String label = accounts.find(account).isPresent() ? account : UNKNOWN_ACCOUNT;
        requests.computeIfAbsent(label + '\n' + outcome, key -> Counter.builder("paybridge.webhook.requests")
                        .description("Webhooks received, by account and outcome")
                        .tag("account", label)
                        .tag("outcome", outcome)
                        .register(registry))
                .increment();
    }
}
