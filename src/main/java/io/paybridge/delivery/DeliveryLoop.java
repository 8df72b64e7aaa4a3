package io.paybridge.delivery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.paybridge.ops.RunMode;
import io.paybridge.salesforce.SalesforceClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Runs the delivery pipeline for as long as the application runs: one turn after another, resting
 * when nothing is due, while Salesforce's circuit is open or while its API limit pauses delivery.
 */
@ApplicationScoped
public class DeliveryLoop {

    private static final Logger LOG = Logger.getLogger(DeliveryLoop.class);

    private final DeliveryService service;
    private final SalesforceClient salesforce;
    private final RunMode runMode;
    private final Duration pollInterval;
    private final int workers;
    private final List<Cancellable> running = new CopyOnWriteArrayList<>();

    public DeliveryLoop(DeliveryService service, SalesforceClient salesforce, RunMode runMode, DeliveryConfig config) {
        this.service = service;
        this.salesforce = salesforce;
        this.runMode = runMode;
        this.pollInterval = config.pollInterval();
        this.workers = config.workers();
    }

    void start(@Observes StartupEvent startup) {
        if (!salesforce.enabled() || !runMode.serving()) {
            return;
        }
        for (int worker = 0; worker < workers; worker++) {
            int id = worker;
            running.add(Multi.createBy().repeating().uni(() -> turn(id)).indefinitely()
                    .subscribe().with(
                            ignored -> {
                            },
                            failure -> LOG.error("Delivery pipeline stopped", failure)));
        }
        LOG.infof("Delivery to Salesforce started with %d workers", workers);
    }

    /** Workers running; none while delivery is disabled. */
    int runningWorkers() {
        return running.size();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running.forEach(Cancellable::cancel);
    }

    /** @return how many events the turn claimed */
    private Uni<Integer> turn(int worker) {
        if (!service.canDeliver()) {
            return rest();
        }
        return service.deliverOnce(worker)
                .onFailure().invoke(DeliveryLoop::logFailedTurn)
                .onFailure().recoverWithItem(0)
                .chain(claimed -> claimed == 0 ? rest() : Uni.createFrom().item(claimed));
    }

    private Uni<Integer> rest() {
        return Uni.createFrom().item(0)
                .onItem().delayIt().by(pollInterval);
    }

    private static void logFailedTurn(Throwable failure) {
        // The database being away is the usual cause; the claims come back after their lease.
        LOG.warnf("Delivery turn failed, trying again: %s", failure.toString());
    }
}
