package io.paybridge.reconcile;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.paybridge.accounts.Account;
import io.paybridge.accounts.Accounts;
import io.paybridge.backfill.BackfillResult;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code paybridge_reconcile_runs_total{account,outcome}},
 * {@code paybridge_reconcile_events_total{account,outcome}} ({@code stored}, {@code present}) and
 * {@code paybridge_reconcile_last_success_timestamp_seconds{account}}, and while the schedule is on
 * {@code paybridge_reconcile_every_seconds}. The counters count this
 * replica's sweeps; the timestamp is the deployment's, read from the database, so that every replica
 * reports it whichever of them swept last (the alert takes the max).
 *
 * <p>Registered at startup for every account the sweep covers (those with an API key), whether the
 * schedule is on or off ({@code POST /admin/reconcile} sweeps them either way): a series that
 * appears with the first sweep leaves {@code rate()} blind after every restart. An account without
 * a key never runs, so it gets no series at all rather than counters that can never move.
 */
@ApplicationScoped
@Startup
public class ReconcileMetrics {

    /** What became of an event a run listed: the {@code outcome} of {@code paybridge_reconcile_events_total}. */
    enum ListedOutcome {
        /** Paybridge did not have it: stored now. */
        STORED("stored"),
        /** Paybridge had it already. */
        PRESENT("present");

        private final String value;

        ListedOutcome(String value) {
            this.value = value;
        }

        String value() {
            return value;
        }
    }

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /**
     * The last success of each account the sweep covers, NaN until the database tells of a run of
     * it. Not 0: the alert reads {@code time() - last success > 3 x every}, and 0 is 1970, so it
     * would fire at once after every start. Not the process's start either: with the schedule off
     * nothing reads the database's times, so the gauge would keep the start and the alert would
     * fire three hours after every restart. NaN passes no comparison, so the alert's clock starts
     * at the account's first run (the database keeps that time until a first success).
     */
    private final Map<String, Double> lastSuccess = new ConcurrentHashMap<>();

    public ReconcileMetrics(MeterRegistry registry, Accounts accounts, ReconcileConfig config) {
        this.registry = registry;
        for (Account account : accounts.withApiKey()) {
            watch(account.name());
        }
        // The alert's "3 x every" reads the schedule from here instead of a copy of it in the rule.
        if (!config.every().isZero()) {
            Gauge.builder("paybridge.reconcile.every.seconds", config, settings -> settings.every().toSeconds())
                    .description("How often the deployment sweeps (paybridge.reconcile.every), seconds")
                    .register(registry);
        }
    }

    private void watch(String account) {
        lastSuccess.put(account, Double.NaN);
        Gauge.builder("paybridge.reconcile.last.success.timestamp.seconds", lastSuccess,
                        times -> times.getOrDefault(account, Double.NaN))
                .description("When the sweep last succeeded for the account (before its first success: its first run), Unix seconds")
                .tag("account", account)
                .register(registry);
        for (RunOutcome outcome : RunOutcome.values()) {
            runs(account, outcome);
        }
        for (ListedOutcome outcome : ListedOutcome.values()) {
            events(account, outcome);
        }
    }

    void ran(String account, RunOutcome outcome, BackfillResult result) {
        runs(account, outcome).increment();
        events(account, ListedOutcome.STORED).increment(result.stored());
        events(account, ListedOutcome.PRESENT).increment(result.present());
    }

    /** The deployment's last successes, from the database: only of the accounts the sweep covers. */
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

    private Counter events(String account, ListedOutcome outcome) {
        return counters.computeIfAbsent("events/" + account + "/" + outcome.value(), key -> Counter.builder("paybridge.reconcile.events")
                .description("Events the sweep listed from Stripe: stored (Paybridge did not have them) or present")
                .tag("account", account)
                .tag("outcome", outcome.value())
                .register(registry));
    }
}
