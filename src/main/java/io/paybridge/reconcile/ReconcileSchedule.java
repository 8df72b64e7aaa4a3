package io.paybridge.reconcile;

import java.time.Duration;

import io.paybridge.app.RunMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Starts the sweep on serving replicas only (never in a command's process). Each replica looks at
 * the lease every tenth of {@code every} (at least every second, at most every minute); the first to
 * find the last sweep older than {@code every} sweeps, so the deployment sweeps once per
 * {@code every}, late by at most one tick, however many replicas run. Each look also reads the
 * deployment's last successes for the metrics.
 */
@ApplicationScoped
public class ReconcileSchedule {

    private static final Logger LOG = Logger.getLogger(ReconcileSchedule.class);
    private static final Duration MIN_TICK = Duration.ofSeconds(1);
    private static final Duration MAX_TICK = Duration.ofMinutes(1);

    private final ReconcileService service;
    private final ReconcileConfig config;

    public ReconcileSchedule(ReconcileService service, ReconcileConfig config) {
        this.service = service;
        this.config = config;
    }

    /** Needs the run mode and the scheduler at startup only, so they come with the event. */
    void start(@Observes StartupEvent startup, RunMode runMode, Scheduler scheduler) {
        if (!runMode.serving()) {
            return;
        }
        if (config.every().isZero()) {
            LOG.info("Reconciliation with the Stripe Events API is off (paybridge.reconcile.every=0)");
            return;
        }
        if (service.accounts().isEmpty()) {
            LOG.info("Reconciliation with the Stripe Events API is off: no account has an api-key");
            return;
        }
        Duration tick = tick(config.every());
        scheduler.newJob("paybridge-reconcile")
                .setInterval(tick.toString())
                .setDelayed(tick.toString())
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(this::tick)
                .schedule();
        LOG.infof("Reconciliation of accounts %s with the Stripe Events API every %s over the last %s",
                service.accounts(), config.every(), config.window());
    }

    static Duration tick(Duration every) {
        Duration tenth = every.dividedBy(10);
        if (tenth.compareTo(MIN_TICK) < 0) {
            return MIN_TICK;
        }
        return tenth.compareTo(MAX_TICK) > 0 ? MAX_TICK : tenth;
    }

    /** Never throws: a failed look is tried again at the next tick. */
    private void tick(ScheduledExecution execution) {
        try {
            service.sweepIfDue();
            service.refreshMetrics();
        } catch (RuntimeException failure) {
            LOG.warnf("Reconciliation could not run, the next tick retries: %s", failure.toString());
        }
    }
}
