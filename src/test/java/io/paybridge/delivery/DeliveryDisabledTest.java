package io.paybridge.delivery;

import static io.paybridge.testing.Webhooks.postSigned;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.salesforce.SalesforceClient;
import io.paybridge.testing.Deliveries;
import io.paybridge.testing.StripeFixtures;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * Without Salesforce credentials (the test profile has none) delivery is off: events are stored
 * and stay pending, and no pipeline runs. In-process: it looks at the loop itself.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class DeliveryDisabledTest {

    @Inject
    SalesforceClient salesforce;
    @Inject
    DeliveryLoop loop;

    @Test
    void eventsStayPendingAndNoPipelineRuns() {
        byte[] event = StripeFixtures.withUniqueId(StripeFixtures.bytes("payout.paid"));

        postSigned(event).statusCode(200);

        assertThat(salesforce.enabled()).isFalse();
        assertThat(loop.running()).isFalse();
        var stored = TestDatabase.delivery("default", StripeFixtures.eventId(event)).orElseThrow();
        assertThat(stored.status()).isEqualTo("pending");
        assertThat(stored.attempts()).isZero();
        assertThat(stored.leaseOwner()).isNull();
    }

    /** An age that grew from the start here would raise the stuck-delivery alert on a healthy replica. */
    @Test
    void reportsNoTurnAgeWhereNoPipelineRuns() {
        assertThat(Deliveries.metrics()).containsPattern("(?m)^paybridge_delivery_last_turn_age_seconds NaN$");
    }
}
