package io.paybridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The claim's cost must not depend on what the table's statistics last saw. The case that hurt:
 * statistics taken while nothing was due (after a drain), then a replay makes every row due. The
 * planner then believed the partial indexes of due and waiting events empty and walked one of them
 * whole for every object reached, comparing each row against every event taken: turns that never
 * ended (lock_due_events in B12__schema.sql). The test sets up exactly that state inside one transaction,
 * in a schema of its own that the claim finds first on the search path (a fresh copy of the table
 * with its indexes, as on a new database: the shared test table's indexes carry other tests'
 * history), counts the index entries the claim reads, then rolls everything back.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class ClaimPlanTest {

    private static final int OBJECTS = 1_000;
    private static final String SCHEMA = "claim_plan_test";
    private static final int EVENTS_PER_OBJECT = 3;
    private static final int CLAIM_SIZE = 300;

    @Test
    void aReplayAfterStatisticsOfADrainedTableClaimsByObjectLookups() throws SQLException {
        String account = "claim-plan-" + UUID.randomUUID();
        try (Connection connection = TestDatabase.connect()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                TestDatabase.scratchEventTable(connection, SCHEMA);
                storeDelivered(connection, account);
                statement.execute("ANALYZE stripe_event");
                replay(connection, account);

                long partialIndexReadsBefore = partialIndexReads(statement);
                int claimed = claim(connection, account);
                long partialIndexReads = partialIndexReads(statement) - partialIndexReadsBefore;

                assertThat(claimed).isGreaterThanOrEqualTo(CLAIM_SIZE);
                // The oldest events come from walking the due index up to the claim size; every
                // sibling comes from the object index. The plan this replaces read 300,000 here.
                assertThat(partialIndexReads)
                        .as("entries of the partial indexes read by one claim")
                        .isLessThan(20L * CLAIM_SIZE);
            } finally {
                connection.rollback();
            }
        }
    }

    private static void storeDelivered(Connection connection, String account) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO stripe_event (account, event_id, type, object_id, object_type, created, payload,
                                          status, done_at)
                SELECT ?, 'evt_' || g, 'invoice.paid', 'in_' || (g / ?), 'invoice',
                       now() - interval '1 day' + g * interval '1 ms', '\\x7b7d'::bytea, 'delivered', now()
                  FROM generate_series(1, ?) g
                """)) {
            insert.setString(1, account);
            insert.setInt(2, EVENTS_PER_OBJECT);
            insert.setInt(3, OBJECTS * EVENTS_PER_OBJECT);
            insert.executeUpdate();
        }
    }

    /** What POST /admin/replay does to these rows. */
    private static void replay(Connection connection, String account) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE stripe_event SET status = 'pending', next_attempt_at = now(), done_at = NULL
                 WHERE account = ?
                """)) {
            update.setString(1, account);
            update.executeUpdate();
        }
    }

    private static int claim(Connection connection, String account) throws SQLException {
        try (PreparedStatement claim = connection.prepareStatement(
                "SELECT count(*) FILTER (WHERE account = ?) FROM claim_due_events(?, ?, ?, 'claim-plan-test', 60)")) {
            claim.setString(1, account);
            claim.setInt(2, CLAIM_SIZE);
            claim.setInt(3, CLAIM_SIZE);
            claim.setLong(4, Long.MAX_VALUE);
            try (ResultSet rows = claim.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /** Index entries read so far in this transaction from the table's partial indexes. */
    private static long partialIndexReads(Statement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery("""
                SELECT coalesce(sum(pg_stat_get_xact_tuples_returned(i.indexrelid)), 0) FROM pg_index i
                 WHERE i.indrelid = '%s.stripe_event'::regclass AND i.indpred IS NOT NULL
                """.formatted(SCHEMA))) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
