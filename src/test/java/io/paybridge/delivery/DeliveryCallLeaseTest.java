package io.paybridge.delivery;

import static io.paybridge.testing.Deliveries.awaitAllDone;
import static io.paybridge.testing.Deliveries.series;
import static io.paybridge.testing.Payouts.delivery;
import static io.paybridge.testing.Payouts.postPayouts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
 * A call that waited for a slot so long that it could still be running when its records' lease runs
 * out is not made: another replica could by then take those records and push them too. Its events
 * come back without spending an attempt and are delivered by a later turn.
 */
@QuarkusTest
@TestProfile(DeliveryCallLeaseTest.Profile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class DeliveryCallLeaseTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int SLOTS = 2;
    private static final int WORKERS = 4;

    @InjectFakeSalesforce
    FakeSalesforce salesforce;

    @Test
    void aCallThatCouldOutliveItsRecordsLeaseIsNotMade() {
        String tag = StripeEvents.uniqueTag();
        salesforce.holdCalls();
        List<String> ids = postPayouts(tag, WORKERS);
        await().atMost(DEADLINE).until(() -> series("paybridge_delivery_calls_waiting") == WORKERS - SLOTS);

        // The held calls time out after 2 s; a waiting call then starts more than 1 s after its
        // records were leased, and 3 s (the longest call) would take it past their 4 s lease.
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(ids).anySatisfy(id -> {
            TestDatabase.Delivery delivery = delivery(id);
            assertThat(delivery.attempts()).isZero();
            assertThat(delivery.lastError()).contains("call not made: its records' lease could run out");
        }));

        salesforce.releaseCalls();
        awaitAllDone("default", tag, ids.size());
        assertThat(ids).allSatisfy(id -> assertThat(delivery(id).status()).isEqualTo("delivered"));
    }

    /** A call may take 3 s (2 s and the quick retries within half of it); records are leased for 4 s. */
    public static class Profile extends DeliveryProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return callSlotSettings(WORKERS, SLOTS, "2s", "4s");
        }
    }
}
