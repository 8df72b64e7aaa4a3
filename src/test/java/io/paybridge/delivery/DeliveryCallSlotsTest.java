package io.paybridge.delivery;

import static io.paybridge.testing.Deliveries.awaitAllDone;
import static io.paybridge.testing.Deliveries.series;
import static io.paybridge.testing.Payouts.delivery;
import static io.paybridge.testing.Payouts.postPayouts;
import static io.paybridge.testing.SObjects.PAYOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import io.paybridge.testing.FakeSalesforce;
import io.paybridge.testing.InjectFakeSalesforce;
import io.paybridge.testing.StripeEvents;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * A replica's workers share its Salesforce call slots ({@code paybridge.delivery.concurrency}): a
 * turn whose calls find every slot taken waits, as {@code paybridge_delivery_calls_waiting} shows,
 * and its calls go as soon as slots free, without spending an attempt. On {@link WakeUpProfile}:
 * the slots' waiters go on without the poll.
 */
@QuarkusTest
@TestProfile(WakeUpProfile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class DeliveryCallSlotsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int SLOTS = WakeUpProfile.CALL_SLOTS;
    private static final int WORKERS = WakeUpProfile.WORKERS;
    private static final String WAITING = "paybridge_delivery_calls_waiting";

    @InjectFakeSalesforce
    FakeSalesforce salesforce;

    @Test
    void theWorkersOfAReplicaShareItsCallSlots() {
        String tag = StripeEvents.uniqueTag();
        salesforce.holdCalls();
        List<String> ids = postPayouts(tag, WORKERS);

        // Each worker takes one payout and makes one call: two reach Salesforce, two wait for a slot.
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(series(WAITING)).isEqualTo(WORKERS - SLOTS);
            assertThat(salesforce.callsInFlight()).isEqualTo(SLOTS);
        });

        salesforce.releaseCalls();
        awaitAllDone("default", tag, ids.size());
        assertThat(ids).allSatisfy(id -> {
            assertThat(delivery(id).status()).isEqualTo("delivered");
            assertThat(delivery(id).attempts()).isEqualTo(1);
            assertThat(salesforce.callsWith(PAYOUT, id)).isEqualTo(1);
        });
        assertThat(salesforce.maxCallsInFlight()).isEqualTo(SLOTS);
        assertThat(series(WAITING)).isZero();
    }
}
