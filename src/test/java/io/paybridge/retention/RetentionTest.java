package io.paybridge.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
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

    @Test
    void purgesOnlyFinishedEventsOlderThanTheRetention() {
        TestDatabase.clearDelivery();
        // The purge runs every second: the event and its links go in together, or it could take the
        // event before its links exist.
        TestDatabase.execute(inserting("evt_old_delivered_0", "delivered", "2 hours") + """
                ;
                INSERT INTO salesforce_record (sobject, external_id, salesforce_id) VALUES ('Stripe_Payout__c', 'po_old', 'a0C000000000001');
                INSERT INTO event_record (account, event_id, sobject, external_id_field, external_id, salesforce_id)
                VALUES ('default', 'evt_old_delivered_0', 'Stripe_Payout__c', 'Stripe_Payout_Id__c', 'po_old', 'a0C000000000001')
                """);
        for (int i = 1; i < 5; i++) {
            insert("evt_old_delivered_" + i, "delivered", "2 hours");
        }
        insert("evt_old_skipped", "skipped", "3 hours");
        insert("evt_recent_delivered", "delivered", "10 minutes");
        insert("evt_old_dead", "dead", null);
        insert("evt_old_pending", "pending", null);
        insert("evt_old_retrying", "retrying", null);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(TestDatabase.statuses("default"))
                .doesNotContainKeys("evt_old_delivered_0", "evt_old_delivered_1", "evt_old_delivered_2",
                        "evt_old_delivered_3", "evt_old_delivered_4", "evt_old_skipped"));

        assertThat(TestDatabase.statuses("default")).containsOnlyKeys(
                "evt_recent_delivered", "evt_old_dead", "evt_old_pending", "evt_old_retrying");
        assertThat(TestDatabase.scalarCount("SELECT count(*) FROM event_record")).isZero();
        assertThat(TestDatabase.scalarCount("SELECT count(*) FROM salesforce_record")).isEqualTo(1);
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
