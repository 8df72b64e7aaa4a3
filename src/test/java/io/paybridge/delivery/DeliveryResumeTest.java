package io.paybridge.delivery;

import static io.paybridge.testing.Deliveries.awaitAllDone;
import static io.paybridge.testing.Payouts.delivery;
import static io.paybridge.testing.Payouts.newPayoutId;
import static io.paybridge.testing.Payouts.postPayout;
import static io.paybridge.testing.SObjects.PAYOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
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
 * The end of a pause is noticed without the poll, and the whole replica resumes at once: with a poll
 * interval of an hour, a worker that waited for it would deliver nothing within the deadline.
 */
@QuarkusTest
@TestProfile(WakeUpProfile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class DeliveryResumeTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @InjectFakeSalesforce
    FakeSalesforce salesforce;

    @Test
    void eventsStoredWhileTheBudgetIsSpentAreDeliveredOnceUsageFalls() {
        // Other integrations have used 95 % of the org's daily calls: the first answer says so.
        salesforce.apiUsage(95_000, 100_000);
        deliverPayout(newPayoutId());

        String id = postPayout(newPayoutId());
        // Paused: the org's usage is read again every budget-recheck, not every poll.
        await().atMost(DEADLINE).until(() -> salesforce.limitsRequests() >= 2);
        assertThat(salesforce.callsWith(PAYOUT, id)).isZero();
        assertThat(delivery(id).status()).isEqualTo("pending");

        salesforce.apiUsage(10_000, 100_000);

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(delivery(id).status()).isEqualTo("delivered"));
        assertThat(delivery(id).attempts()).isEqualTo(1);
        assertThat(salesforce.callsWith(PAYOUT, id)).isEqualTo(1);
    }

    @Test
    void everyWorkerResumesWhenTheBudgetIsFreed() {
        salesforce.apiUsage(95_000, 100_000);
        deliverPayout(newPayoutId());
        String tag = StripeEvents.uniqueTag();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(postPayout("po_resume_" + i + "_" + tag));
        }
        await().atMost(DEADLINE).until(() -> salesforce.limitsRequests() >= 2);
        assertThat(ids).allSatisfy(id -> assertThat(salesforce.callsWith(PAYOUT, id)).isZero());

        // Calls wait at the fake: each worker holds one object a turn, so two calls held at once are
        // two workers at work.
        salesforce.holdCalls();
        salesforce.apiUsage(10_000, 100_000);

        await().atMost(DEADLINE).until(() -> salesforce.callsInFlight() >= 2);
        salesforce.releaseCalls();
        awaitAllDone("default", tag, ids.size());
        assertThat(ids).allSatisfy(id -> {
            assertThat(delivery(id).status()).isEqualTo("delivered");
            assertThat(delivery(id).attempts()).isEqualTo(1);
        });
    }

    @Test
    void eventsStoredDuringTheLimitPauseAreDeliveredWhenItEnds() {
        String refused = newPayoutId();
        salesforce.failNextCallsWith(PAYOUT, refused, 1, CallFault.REQUEST_LIMIT_EXCEEDED);
        postPayout(refused);
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(delivery(refused).lastError())
                .contains("REQUEST_LIMIT_EXCEEDED"));

        String id = postPayout(newPayoutId());

        // The pause of the profile is 2 s: the workers rest until it ends, not until their poll; the
        // refused event, handed back without an attempt, is due when it ends too.
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(delivery(id).status()).isEqualTo("delivered");
            assertThat(delivery(refused).status()).isEqualTo("delivered");
        });
        assertThat(delivery(id).attempts()).isEqualTo(1);
        assertThat(salesforce.callsWith(PAYOUT, id)).isEqualTo(1);
        assertThat(delivery(refused).attempts()).isEqualTo(1);
        assertThat(salesforce.callsWith(PAYOUT, refused)).isEqualTo(2);
    }

    private void deliverPayout(String id) {
        postPayout(id);
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(delivery(id).status()).isEqualTo("delivered"));
    }
}
