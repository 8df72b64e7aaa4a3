package io.paybridge.reconcile;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.paybridge.backfill.BackfillResult;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code paybridge_reconcile_runs_total{account,outcome}},
 * {@code paybridge_reconcile_events_total{account,outcome}} ({@code stored}, {@code present}) and
 * {@code paybridge_reconcile_last_success_timestamp_seconds{account}}. The counters count this
 * replica's sweeps; the timestamp is the deployment's, read from the database, so that every replica
 * reports it whichever of them swept last (the alert takes the max).
 */
@ApplicationScoped
public class ReconcileMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /** NaN until the account's first run: nothing to alert on before the sweep ever tried it. */
    private final Map<String, Double> lastSuccess = new ConcurrentHashMap<>();

    public ReconcileMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the series of an account the sweep covers, so that they exist before its first run. */
    void watch(String account) {
        lastSuccess.putIfAbsent(account, Double.NaN);
        Gauge.builder("paybridge.reconcile.last.success.timestamp.seconds", lastSuccess,
                        times -> times.getOrDefault(account, Double.NaN))
                .description("When the sweep last succeeded for the account (before its first success: its first run), Unix seconds")
                .tag("account", account)
                .register(registry);
        for (RunOutcome outcome : RunOutcome.values()) {
            runs(account, outcome);
        }
        events(account, "stored");
        events(account, "present");
    }

    void ran(String account, RunOutcome outcome, BackfillResult result) {
        runs(account, outcome).increment();
        events(account, "stored").increment(result.stored());
        events(account, "present").increment(result.present());
    }

    /** The deployment's last successes, from the database. */
    void lastSuccesses(Map<String, Double> times) {
        times.forEach((account, seconds) -> lastSuccess.computeIfPresent(account, (key, old) -> seconds));
    }

    private Counter runs(String account, RunOutcome outcome) {
        return counters.computeIfAbsent("runs/" + account + "/" + outcome.value(), key -> Counter.builder("paybridge.reconcile.runs")
                .description("Reconciliation runs of an account by this replica, by outcome")
                .tag("account", account)
                .tag("outcome", outcome.value())
                .register(registry));
    }

    private Counter events(String account, String outcome) {
        return counters.computeIfAbsent("events/" + account + "/" + outcome, key -> Counter.builder("paybridge.reconcile.events")
                .description("Events the sweep listed from Stripe: stored (Paybridge did not have them) or present")
                .tag("account", account)
                .tag("outcome", outcome)
                .register(registry));
    }
}
