package io.paybridge.delivery;

import static io.paybridge.testing.Payouts.delivery;
import static io.paybridge.testing.Payouts.newPayoutId;
import static io.paybridge.testing.SObjects.PAYMENT;
import static io.paybridge.testing.SObjects.PAYOUT;
import static io.paybridge.testing.Webhooks.postSigned;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.paybridge.testing.FakeSalesforce;
import io.paybridge.testing.InjectFakeSalesforce;
import io.paybridge.testing.StripeEvents;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * New and replayed events wake the pipeline at once (PostgreSQL LISTEN/NOTIFY): with a poll
 * interval of an hour, nothing here would be delivered within the deadline by polling alone.
 */
@QuarkusTest
@TestProfile(WakeUpProfile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class DeliveryWakeUpTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @InjectFakeSalesforce
    FakeSalesforce salesforce;


    @Test
    void aStoredEventIsDeliveredWithoutWaitingForThePoll() {
        String id = newPayoutId();

        postSigned(StripeEvents.payout(id).field("currency", "usd").field("amount", 1000).bytes()).statusCode(200);

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(status(id)).isEqualTo("delivered"));
        assertThat(salesforce.record(PAYOUT, id)).isNotNull();
    }

    @Test
    void aReplayedEventIsPushedAgainWithoutWaitingForThePoll() {
        String id = newPayoutId();
        postSigned(StripeEvents.payout(id).field("currency", "usd").field("amount", 2000).bytes()).statusCode(200);
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(status(id)).isEqualTo("delivered"));
        int calls = salesforce.callsWith(PAYOUT, id);

        given().baseUri(TestPorts.managementUrl().replace("/q/", "/"))
                .contentType(ContentType.JSON)
                .body(Map.of("account", "default", "ids", new String[] {"evt_" + id}))
                .post("admin/replay")
                .then().statusCode(200);

        await().atMost(DEADLINE).until(() -> salesforce.callsWith(PAYOUT, id) > calls);
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(status(id)).isEqualTo("delivered"));
    }

    /**
     * A charge writes its payment intent's record: while that record's push is held at the fake, the
     * charge's event is handed back every {@link DeliveryService#RECORD_BUSY_DELAY}, and nothing
     * notifies the workers of its due time: each hand-back is woken by the replica's own clock.
     * About one time in four the worker whose push is held takes the charge, and then waits for
     * that push before its next turn: the other workers, resting, must take the hand-backs up
     * (repeated so that this case comes up in most runs).
     */
    @RepeatedTest(4)
    void anEventWaitingOnARecordAnotherTurnPushesIsDeliveredRightAfterThatPush() {
        String tag = StripeEvents.uniqueTag();
        String paymentIntent = "pi_wait" + tag;
        String charge = "ch_wait" + tag;
        salesforce.holdCalls();
        try {
            postSigned(StripeEvents.paymentIntent(paymentIntent).created(1_764_590_000).bytes()).statusCode(200);
            await().atMost(DEADLINE).until(() -> salesforce.callsWith(PAYMENT, paymentIntent) == 1);
            postSigned(StripeEvents.charge(charge).field("payment_intent", paymentIntent).created(1_764_590_001).bytes()).statusCode(200);

            double firstHandBack = await().atMost(DEADLINE)
                    .until(() -> handedBackAt("evt_" + charge), Optional::isPresent)
                    .orElseThrow();
            // Five hand-backs and more: each wake-up followed the one before without waiting for the poll.
            await().atMost(DEADLINE).until(() -> handedBackAt("evt_" + charge).orElse(0.0) >= firstHandBack + 1_000);
        } finally {
            salesforce.releaseCalls();
        }

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(eventStatus("evt_" + charge)).isEqualTo("delivered"));
        assertThat(salesforce.record(PAYMENT, paymentIntent)).containsEntry("Charge_Id__c", charge);
    }

    /** When the event, handed back without an attempt, is due again (epoch millis); empty while it is not. */
    private static Optional<Double> handedBackAt(String eventId) {
        return TestDatabase.findRow("""
                SELECT extract(epoch FROM next_attempt_at) * 1000 FROM stripe_event
                 WHERE account = 'default' AND event_id = ? AND status = 'pending' AND attempts = 0
                   AND lease_owner IS NULL AND next_attempt_at > received_at""",
                row -> row.getDouble(1), eventId);
    }

    private static String eventStatus(String eventId) {
        return TestDatabase.delivery("default", eventId).orElseThrow().status();
    }

    private static String status(String payoutId) {
        return delivery(payoutId).status();
    }
}
