package io.paybridge.delivery;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness of the delivery pipeline: down when delivery runs here and no turn has ended for three
 * turn timeouts, so that Kubernetes restarts a replica whose pipeline is stuck. Turns end even
 * while Salesforce or the database is away (they fail or rest), so an outage does not restart pods.
 */
@Liveness
@ApplicationScoped
public class DeliveryLiveness implements HealthCheck {

    private final DeliveryLoop loop;

    public DeliveryLiveness(DeliveryLoop loop) {
        this.loop = loop;
    }

    @Override
    public HealthCheckResponse call() {
        if (!loop.running()) {
            return HealthCheckResponse.named("delivery").up().withData("running", false).build();
        }
        Duration age = loop.lastTurnAge();
        return HealthCheckResponse.named("delivery")
                .status(age.compareTo(loop.stuckAfter()) < 0)
                .withData("running", true)
                .withData("lastTurnEndedSecondsAgo", age.toSeconds())
                .withData("stuckAfterSeconds", loop.stuckAfter().toSeconds())
                .build();
    }
}
