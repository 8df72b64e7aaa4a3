package io.paybridge.delivery;

import static io.paybridge.testing.Payouts.delivery;
import static io.paybridge.testing.Payouts.newPayoutId;
import static io.paybridge.testing.Payouts.postPayout;
import static io.paybridge.testing.Payouts.postPayouts;
import static io.paybridge.testing.SObjects.INVOICE;
import static io.paybridge.testing.SObjects.PAYMENT;
import static io.paybridge.testing.SObjects.PAYOUT;
import static io.paybridge.testing.Webhooks.postSigned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.paybridge.testing.FakeSalesforce;
import io.paybridge.testing.InjectFakeSalesforce;
import io.paybridge.testing.StripeEvents;
import io.paybridge.testing.StripeFixtures;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * On a backlog, a turn leaves the records of its last, partial call for the next turn, whose calls
 * they fill: a backlog goes out in full calls but one, each record once, with no attempt spent on
 * the wait. Turns of four events and calls of three records, so that without it every turn of ten
 * payouts would end with a call of one.
 */
@QuarkusTest
@TestProfile(DeliveryHoldBackTest.Profile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class DeliveryHoldBackTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int CALL_SIZE = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectFakeSalesforce
    FakeSalesforce salesforce;

    @Test
    void aBacklogGoesOutInFullCallsButOneEachRecordOnce() throws Exception {
        int limitsBefore = spendTheApiBudget();
        String tag = StripeEvents.uniqueTag();
        List<String> ids = postPayouts(tag, 10);
        awaitPaused(limitsBefore);
        assertThat(ids).allSatisfy(id -> assertThat(salesforce.callsWith(PAYOUT, id)).isZero());

        salesforce.apiUsage(10_000, 100_000);

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(ids)
                .allSatisfy(id -> assertThat(delivery(id).status()).isEqualTo("delivered")));
        assertThat(ids).allSatisfy(id -> {
            assertThat(salesforce.callsWith(PAYOUT, id)).isEqualTo(1);
            assertThat(delivery(id).attempts()).isEqualTo(1);
        });
        List<Integer> callSizes = sizesOfCallsCarrying(tag);
        assertThat(callSizes.stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(ids.size());
        assertThat(callSizes.stream().filter(size -> size < CALL_SIZE)).as("partial calls among %s", callSizes)
                .hasSizeLessThanOrEqualTo(1);
    }

    /**
     * The records a turn holds back go back before its calls go out, so that the worker's next turn,
     * claimed while those calls are in flight, carries them. Turn one claims payouts 1-4 and calls
     * with 1-3, holding 4 back; with turn one's call held at the fake, turn two's call carries 4 (and
     * 5 and 6). Given back at turn one's settle, 4 would still be turn one's, and turn two would take
     * 5-8.
     */
    @Test
    void recordsHeldBackGoOutInTheNextTurnClaimedWhileTheCallsBeforeAreOut() throws Exception {
        int limitsBefore = spendTheApiBudget();
        String tag = StripeEvents.uniqueTag();
        List<String> ids = postPayouts(tag, 10);
        awaitPaused(limitsBefore);
        salesforce.holdCalls();
        try {
            salesforce.apiUsage(10_000, 100_000);
            await().atMost(DEADLINE).until(() -> salesforce.callsInFlight() == 2);
            assertThat(ids.subList(0, 6)).allSatisfy(id -> assertThat(salesforce.callsWith(PAYOUT, id)).as(id)
                    .isEqualTo(1));
            assertThat(ids.subList(6, 10)).allSatisfy(id -> assertThat(salesforce.callsWith(PAYOUT, id)).as(id)
                    .isZero());
        } finally {
            salesforce.releaseCalls();
        }

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(ids)
                .allSatisfy(id -> assertThat(delivery(id).status()).isEqualTo("delivered")));
        assertThat(ids).allSatisfy(id -> {
            assertThat(salesforce.callsWith(PAYOUT, id)).isEqualTo(1);
            assertThat(delivery(id).attempts()).isEqualTo(1);
        });
    }

    /**
     * An invoice_payment.paid writes its invoice and its payment. Held back with the payment, it came
     * back with the next turn and pushed the invoice again; its payment is now not one to hold back.
     * One turn takes three payment intents' events and the invoice payment: four payments, a call
     * and one more, the newest being the invoice's; the payouts behind keep more due.
     */
    @Test
    void aRecordWrittenWithAnotherByOneEventIsNotHeldBackWithoutIt() throws Exception {
        int limitsBefore = spendTheApiBudget();
        String tag = StripeEvents.uniqueTag();
        byte[] invoicePayment = StripeEvents.withIdsSuffixed(StripeFixtures.bytes("invoice_payment.paid"), tag);
        String invoice = JSON.readTree(invoicePayment).path("data").path("object").path("invoice").asText();
        String linkedPayment = JSON.readTree(invoicePayment).path("data").path("object").path("payment")
                .path("payment_intent").asText();
        List<String> ownEvents = List.of("pi_1" + tag, "pi_2" + tag, "pi_3" + tag);
        ownEvents.forEach(id -> postSigned(StripeEvents.paymentIntent(id).bytes()).statusCode(200));
        postSigned(invoicePayment).statusCode(200);
        List<String> payments = List.of(ownEvents.get(0), ownEvents.get(1), ownEvents.get(2), linkedPayment);
        List<String> payouts = postPayouts(tag, 6);
        awaitPaused(limitsBefore);
        assertThat(salesforce.callsWith(INVOICE, invoice)).isZero();

        salesforce.apiUsage(10_000, 100_000);

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(payouts)
                .allSatisfy(id -> assertThat(delivery(id).status()).isEqualTo("delivered")));
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(TestDatabase.delivery("default",
                JSON.readTree(invoicePayment).path("id").asText()).orElseThrow().status()).isEqualTo("delivered"));
        assertThat(salesforce.callsWith(INVOICE, invoice)).as("pushes of the invoice").isEqualTo(1);
        assertThat(payments).allSatisfy(id -> assertThat(salesforce.callsWith(PAYMENT, id)).as(id).isEqualTo(1));
    }

    /**
     * The backlog builds up while the org's API budget is spent, as during a month-end run: a first
     * payout's call reports the usage, and delivery pauses.
     *
     * @return the Limits calls so far
     */
    private int spendTheApiBudget() {
        salesforce.apiUsage(95_000, 100_000);
        String first = postPayout(newPayoutId());
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(delivery(first).status()).isEqualTo("delivered"));
        return salesforce.limitsRequests();
    }

    /** Until the paused pipeline has read the org's limits twice more: it waits rather than delivers. */
    private void awaitPaused(int limitsBefore) {
        await().atMost(DEADLINE).until(() -> salesforce.limitsRequests() >= limitsBefore + 2);
    }

    /** Records per call, of the calls that carried a payout of this test. */
    private List<Integer> sizesOfCallsCarrying(String tag) throws Exception {
        List<Integer> sizes = new java.util.ArrayList<>();
        for (String body : salesforce.requestBodies()) {
            if (body.contains(tag)) {
                JsonNode records = JSON.readTree(body).path("records");
                sizes.add(records.size());
            }
        }
        return sizes;
    }

    /**
     * The delivery profile with one worker, so that turns follow each other, taking four events a
     * turn into calls of three records. Calls get 30 s (leases 60 s, longer than a turn can take):
     * with the profile's 1 s, a fresh JVM's first call timed out on a busy CI machine, and the
     * test counts attempts.
     */
    public static class Profile extends DeliveryProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return settingsWith(Map.of(
                    "paybridge.delivery.workers", "1",
                    "paybridge.delivery.claim-size", "4",
                    "paybridge.delivery.claim-objects", "4",
                    "paybridge.salesforce.batch-size", String.valueOf(CALL_SIZE),
                    "paybridge.salesforce.timeout", "30s",
                    "paybridge.delivery.lease", "60s"));
        }
    }
}
