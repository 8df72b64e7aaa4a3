package io.paybridge.event;

import static io.paybridge.testing.Webhooks.postSigned;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import io.paybridge.testing.StripeFixtures;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import org.junit.jupiter.api.Test;

/**
 * The entity model matches the schema Flyway creates: an event stored by the intake reads back
 * whole through Panache. (The packaged application is covered by the intake's IT tests; this one
 * needs the application's own session.)
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class StripeEventTest {

    @Test
    void readsAnEventStoredByTheIntake() throws Throwable {
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.bytes("payout.failed"));
        String id = StripeFixtures.eventId(body);
        postSigned(body).statusCode(200);

        // Hibernate Reactive runs on a Vert.x context; this gives the test thread one and waits.
        StripeEvent event = VertxContextSupport.subscribeAndAwait(
                () -> Panache.withSession(() -> StripeEvent.findByKey("default", id)));

        assertThat(event).isNotNull();
        assertThat(event.type).isEqualTo("payout.failed");
        assertThat(event.objectType).isEqualTo("payout");
        assertThat(event.objectStatus).isEqualTo("failed");
        assertThat(event.payload).isEqualTo(body);
        assertThat(event.status).isEqualTo(EventStatus.PENDING);
        assertThat(event.attempts).isZero();
        assertThat(event.receivedAt).isBefore(Instant.now().plusSeconds(1));
        assertThat(event.created).isEqualTo(Instant.ofEpochSecond(
                TestDatabase.find("default", id).orElseThrow().created()));
    }
}
