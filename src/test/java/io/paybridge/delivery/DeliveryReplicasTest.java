package io.paybridge.delivery;

import static io.paybridge.testing.SObjects.PAYOUT;
import static io.paybridge.testing.Deliveries.awaitAllDone;
import static io.paybridge.testing.Webhooks.postSigned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import io.paybridge.mapping.EventMapper;
import io.paybridge.salesforce.SalesforceClient;
import io.paybridge.salesforce.SalesforceConfig;
import io.paybridge.testing.FakeSalesforce;
import io.paybridge.testing.InjectFakeSalesforce;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.paybridge.testing.StripeEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * Several pipelines on one database, as several replicas run them: they share the work, never
 * push one Salesforce record from two places at once, and take over what a dead one had claimed.
 * In-process only: the second pipeline is built from the application's own beans.
 */
@QuarkusTest
@TestProfile(DeliveryProfile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class DeliveryReplicasTest {

    private static final List<String> STATUSES = List.of("pending", "in_transit", "paid");
    private static final String SECOND_REPLICA = "second-replica";

    @Inject
    DeliveryRepository repository;
    @Inject
    EventMapper mapper;
    @Inject
    SalesforceClient client;
    @Inject
    DeliveryMetrics metrics;
    @Inject
    DeliveryConfig config;
    @Inject
    ThinEventFetcher thinEvents;
    @Inject
    SalesforceConfig salesforceConfig;

    @InjectFakeSalesforce
    FakeSalesforce salesforce;
    /** Ends every payout id of this test: other tests' events and records may share the database and the fake. */
    final String tag = StripeEvents.uniqueTag();


    @Test
    void twoPipelinesShareTheWorkAndNeverPushOneRecordTwiceAtOnce() throws Exception {
        // Slow calls keep pushes in flight long enough for the two pipelines to meet on records.
        salesforce.latency(Duration.ofMillis(40));
        List<byte[]> events = new ArrayList<>();
        for (int payout = 0; payout < 30; payout++) {
            for (int step = 0; step < STATUSES.size(); step++) {
                events.add(payoutEvent("po_replica_" + payout + tag, step));
            }
        }
        Collections.shuffle(events, new Random(7));
        DeliveryService second = new DeliveryService(repository, mapper, client, thinEvents, metrics, config, salesforceConfig,
                SECOND_REPLICA);
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Future<Integer> secondClaims = executor.submit(() -> drain(second, running, tag));
        try {
            // Held calls keep the live pipeline's workers on the turns they have out, so that events are
            // left for the second pipeline whatever the machine's speed; released once it holds some.
            salesforce.holdCalls();
            try {
                events.forEach(event -> postSigned(event).statusCode(200));
                await().atMost(Duration.ofMinutes(1)).until(() -> leasedBy(SECOND_REPLICA, tag) > 0);
            } finally {
                salesforce.releaseCalls();
            }
            awaitAllDone("default", tag, events.size());
        } finally {
            running.set(false);
            executor.shutdown();
        }

        assertThat(secondClaims.get()).as("events the second pipeline claimed").isPositive();
        assertThat(salesforce.concurrentPushViolations()).isZero();
        Map<String, String> statuses = TestDatabase.statuses("default", tag);
        assertThat(statuses.values()).containsOnly("delivered", "skipped");
        for (int payout = 0; payout < 30; payout++) {
            assertThat(salesforce.record(PAYOUT, "po_replica_" + payout + tag)).containsEntry("Status__c", "paid");
        }
        // No failure happened, so no event was ever attempted twice.
        statuses.keySet().forEach(id -> assertThat(TestDatabase.delivery("default", id).orElseThrow().attempts())
                .as(id).isLessThanOrEqualTo(1));
    }

    @Test
    void theClaimsOfADeadReplicaAreTakenOverAfterTheirLease() {
        String id = "po_orphan_" + tag;
        TestDatabase.execute("""
                INSERT INTO salesforce_record (sobject, external_id, lease_owner, lease_expires_at)
                VALUES ('Stripe_Payout__c', '%s', 'dead-replica', now() + interval '3 seconds')""".formatted(id));
        // The event arrives while the dead replica still holds its record: it waits for the lease.
        postSigned(payoutEvent(id, 2)).statusCode(200);
        TestDatabase.execute("""
                UPDATE stripe_event SET lease_owner = 'dead-replica', lease_expires_at = now() + interval '3 seconds'
                 WHERE event_id = 'evt_%s_2' AND status = 'pending'""".formatted(id));

        awaitAllDone("default", tag, 1);

        var delivery = TestDatabase.delivery("default", "evt_" + id + "_2").orElseThrow();
        assertThat(delivery.status()).isEqualTo("delivered");
        assertThat(delivery.leaseOwner()).isNull();
        assertThat(salesforce.record(PAYOUT, id)).containsEntry("Status__c", "paid");
    }

    private static int drain(DeliveryService pipeline, AtomicBoolean running, String tag) {
        int claimed = 0;
        while (running.get()) {
            int turn = pipeline.deliverOnce().await().atMost(Duration.ofSeconds(30));
            claimed += turn;
            if (turn == 0) {
                // Nothing due: wait, as the live loop does, until this test's events are due again.
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20))
                        .until(() -> !running.get() || dueEvents(tag) > 0);
            }
        }
        return claimed;
    }

    /** This test's events leased by turns of this replica (their owner is replica/worker/turn). */
    private static long leasedBy(String replica, String tag) {
        return TestDatabase.scalarCount("""
                SELECT count(*) FROM stripe_event
                 WHERE event_id LIKE '%%%s%%' AND lease_owner LIKE '%s/%%'""".formatted(tag, replica));
    }

    /** This test's events that a claim could take now. */
    private static long dueEvents(String tag) {
        return TestDatabase.scalarCount("""
                SELECT count(*) FROM stripe_event
                 WHERE event_id LIKE '%%%s%%' AND status IN ('pending', 'retrying') AND next_attempt_at <= now()
                   AND (lease_expires_at IS NULL OR lease_expires_at < now())""".formatted(tag));
    }

    /** Step 0, 1, 2 of a payout's life: pending, in transit, paid, a minute apart. */
    private static byte[] payoutEvent(String payoutId, int step) {
        return StripeEvents.payout(payoutId)
                .eventId("evt_" + payoutId + "_" + step)
                .createdPlus(60L * step)
                .type("payout." + (step == 0 ? "created" : step == 1 ? "updated" : "paid"))
                .status(STATUSES.get(step))
                .bytes();
    }
}
