package io.paybridge.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Finished events older than the retention go, in batches; unfinished ones stay however old, and
 * so do the Salesforce records' watermarks.
 */
@QuarkusTest
@TestProfile(RetentionTest.ShortRetention.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class RetentionTest {

    public static class ShortRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "paybridge.salesforce.enabled", "false",
                    "paybridge.retention.done", "1h",
                    "paybridge.retention.every", "1s",
                    "paybridge.retention.batch-size", "2");
        }
    }

    /** Ids of this run's rows: other tests' events, finished or not, may share the database. */
    private static final String ID = UUID.randomUUID().toString().substring(0, 8);
    private static final String RUN = "evt_ret_" + ID + "_";
    private static final String RECORD = "po_ret_" + ID;

    /** What stays (pending and dead among it) goes with the test, so that no later delivery test meets it. */
    @AfterEach
    void deleteOwnRows() {
        TestDatabase.execute("DELETE FROM stripe_event WHERE event_id LIKE '" + RUN + "%'");
        TestDatabase.execute("DELETE FROM salesforce_record WHERE external_id = '" + RECORD + "'");
    }

    /**
     * The purge takes the oldest finished events first, across the whole table. This run's old
     * events finished weeks ago, before anything another test or an earlier run on the same
     * database finished (those finished within the hour, or hours ago when a database outlives
     * its runs), so the first batches reach them however many of those wait.
     */
    @Test
    void purgesOnlyFinishedEventsOlderThanTheRetention() {
        // The purge runs every second: the event and its links go in together, or it could take the
        // event before its links exist.
        TestDatabase.execute(inserting(RUN + "old_delivered_0", "delivered", "39 days") + """
                ;
                INSERT INTO salesforce_record (sobject, external_id, salesforce_id) VALUES ('Stripe_Payout__c', '%s', 'a0C000000000001');
                INSERT INTO event_record (account, event_id, sobject, external_id_field, external_id, salesforce_id)
                VALUES ('default', '%s', 'Stripe_Payout__c', 'Stripe_Payout_Id__c', '%s', 'a0C000000000001')
                """.formatted(RECORD, RUN + "old_delivered_0", RECORD));
        for (int i = 1; i < 5; i++) {
            insert(RUN + "old_delivered_" + i, "delivered", "39 days");
        }
        insert(RUN + "old_skipped", "skipped", "39 days 1 hour");
        insert(RUN + "recent_delivered", "delivered", "10 minutes");
        insert(RUN + "old_dead", "dead", null);
        insert(RUN + "old_pending", "pending", null);
        insert(RUN + "old_retrying", "retrying", null);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(ownStatuses())
                .doesNotContainKeys(RUN + "old_delivered_0", RUN + "old_delivered_1", RUN + "old_delivered_2",
                        RUN + "old_delivered_3", RUN + "old_delivered_4", RUN + "old_skipped"));

        assertThat(ownStatuses()).containsOnlyKeys(
                RUN + "recent_delivered", RUN + "old_dead", RUN + "old_pending", RUN + "old_retrying");
        assertThat(TestDatabase.scalarCount("SELECT count(*) FROM event_record WHERE event_id LIKE '" + RUN + "%'")).isZero();
        assertThat(TestDatabase.scalarCount("SELECT count(*) FROM salesforce_record WHERE external_id = '" + RECORD + "'"))
                .isEqualTo(1);
    }

    private static Map<String, String> ownStatuses() {
        Map<String, String> own = new TreeMap<>(TestDatabase.statuses("default"));
        own.keySet().removeIf(id -> !id.startsWith(RUN));
        return own;
    }

    /** A month-old event in the given status, finished {@code doneAgo} ago when given. */
    private static void insert(String eventId, String status, String doneAgo) {
        TestDatabase.execute(inserting(eventId, status, doneAgo));
    }

    private static String inserting(String eventId, String status, String doneAgo) {
        return """
                INSERT INTO stripe_event (account, event_id, type, created, received_at, payload, status, done_at)
                VALUES ('default', '%s', 'payout.paid', now() - interval '40 days', now() - interval '40 days',
                        convert_to('{}', 'UTF8'), '%s', %s)
                """.formatted(eventId, status, doneAgo == null ? "NULL" : "now() - interval '" + doneAgo + "'");
    }
}
