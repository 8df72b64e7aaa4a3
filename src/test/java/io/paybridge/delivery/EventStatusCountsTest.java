package io.paybridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * {@code paybridge_events{status}} is kept by triggers, not counted (B12__schema.sql):
 * whatever stores, changes or deletes events must move the counts by exactly what it did. One
 * repeatable-read transaction, rolled back: it sees its own changes and no other test's.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class EventStatusCountsTest {

    @Test
    void storingSettlingReplayingAndPurgingMoveTheCountsByWhatTheyDid() throws SQLException {
        String account = "counts-" + UUID.randomUUID();
        try (Connection connection = TestDatabase.connect()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement statement = connection.createStatement()) {
                Map<String, Long> before = counts(statement);

                statement.executeUpdate("""
                        INSERT INTO stripe_event (account, event_id, type, created, payload)
                        SELECT '%s', 'evt_' || g, 'payout.paid', now(), '\\x7b7d'::bytea FROM generate_series(1, 5) g
                        """.formatted(account));
                assertThat(changes(before, counts(statement))).containsOnly(Map.entry("pending", 5L));

                // A claim changes no status: it must add nothing.
                statement.executeUpdate("UPDATE stripe_event SET lease_owner = 'counts-test' WHERE account = '%s'"
                        .formatted(account));
                assertThat(changes(before, counts(statement))).containsOnly(Map.entry("pending", 5L));

                statement.executeUpdate("""
                        UPDATE stripe_event SET status = CASE event_id WHEN 'evt_1' THEN 'dead' ELSE 'delivered' END
                         WHERE account = '%s' AND event_id IN ('evt_1', 'evt_2', 'evt_3')
                        """.formatted(account));
                assertThat(changes(before, counts(statement)))
                        .containsOnly(Map.entry("pending", 2L), Map.entry("delivered", 2L), Map.entry("dead", 1L));

                statement.executeUpdate("UPDATE stripe_event SET status = 'pending' WHERE account = '%s' AND status = 'dead'"
                        .formatted(account));
                statement.executeUpdate("DELETE FROM stripe_event WHERE account = '%s' AND status = 'delivered'"
                        .formatted(account));
                assertThat(changes(before, counts(statement))).containsOnly(Map.entry("pending", 3L));
                assertThat(changes(before, counts(statement)).get("pending"))
                        .isEqualTo(count(statement, "SELECT count(*) FROM stripe_event WHERE account = '%s'".formatted(account)));
            } finally {
                connection.rollback();
            }
        }
    }

    private static Map<String, Long> counts(Statement statement) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        try (ResultSet rows = statement.executeQuery("SELECT status, sum(delta) FROM event_status_count GROUP BY status")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    /** Statuses whose count moved, by how much. */
    private static Map<String, Long> changes(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> changes = new HashMap<>();
        after.forEach((status, count) -> {
            long change = count - before.getOrDefault(status, 0L);
            if (change != 0) {
                changes.put(status, change);
            }
        });
        before.forEach((status, count) -> {
            if (!after.containsKey(status) && count != 0) {
                changes.put(status, -count);
            }
        });
        return changes;
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
