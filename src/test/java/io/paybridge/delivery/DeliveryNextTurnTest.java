package io.paybridge.delivery;

import static io.paybridge.testing.Payouts.delivery;
import static io.paybridge.testing.Payouts.postPayout;
import static io.paybridge.testing.SObjects.PAYOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import io.paybridge.testing.FakeSalesforce;
import io.paybridge.testing.FakeSalesforce.CallFault;
import io.paybridge.testing.InjectFakeSalesforce;
import io.paybridge.testing.StripeEvents;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * A worker claims and sends its next turn while the calls of its last one are out: with one worker,
 * a payout stored while the first payout's call is still unanswered is delivered before the first.
 * Without it the worker would wait for that answer, and the second payout would come after. On
 * {@link DeliveryHoldBackTest.Profile} (one worker; calls get 30 s).
 */
@QuarkusTest
@TestProfile(DeliveryHoldBackTest.Profile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class DeliveryNextTurnTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Within the call timeout, so the slow call is answered, not retried; long enough for a slow machine's turn. */
    private static final Duration SLOW_ANSWER = Duration.ofSeconds(20);

    @InjectFakeSalesforce
    FakeSalesforce salesforce;

    @Test
    void oneWorkerSendsItsNextTurnWhileItsCallsAreOut() {
        String tag = StripeEvents.uniqueTag();
        String first = "po_1_" + tag;
        String second = "po_2_" + tag;
        salesforce.slowDelay(SLOW_ANSWER);
        salesforce.failNextCallsWith(PAYOUT, first, 1, CallFault.SLOW);

        postPayout(first);
        await().atMost(DEADLINE).until(() -> salesforce.callsWith(PAYOUT, first) == 1);
        postPayout(second);
        await().atMost(DEADLINE).until(() -> delivery(second).status().equals("delivered"));
        assertThat(delivery(first).status()).as("the first payout, its call not answered yet").isEqualTo("pending");

        await().atMost(DEADLINE).until(() -> delivery(first).status().equals("delivered"));
        assertThat(List.of(first, second)).allSatisfy(id -> {
            assertThat(delivery(id).attempts()).isEqualTo(1);
            assertThat(salesforce.callsWith(PAYOUT, id)).isEqualTo(1);
        });
    }
}
