package io.paybridge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * A replay's batch must cost what the batch holds, not what the account holds: each of the hundred
 * batches of a 500,000-event replay read every event of the account once (through the primary
 * key, filtered), and the replay took two minutes to commit. As in the claim's plan test, the
 * table is a fresh copy in a schema of its own that the statement finds first on the search path,
 * filled and analysed inside one transaction that is rolled back; the test counts the rows and index
 * entries one batch reads, or the rows its plan's steps handle.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class ReplayPlanTest {

    private static final String SCHEMA = "replay_plan_test";
    private static final int OBJECTS = 10_000;
    private static final int EVENTS_PER_OBJECT = 3;
    private static final int OTHER_ACCOUNT_EVENTS = 1_000;
    private static final Pattern ACTUAL_ROWS = Pattern.compile("actual rows=(\\d+) loops=(\\d+)");
    private static final Pattern ROWS_REMOVED = Pattern.compile("Rows Removed by (?:Join )?Filter: (\\d+)");

    @Test
    void aBatchReadsAboutWhatItReplaysWhateverTheAccountHolds() throws SQLException {
        String account = "replay-plan-" + UUID.randomUUID();
        try (Connection connection = TestDatabase.connect()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                TestDatabase.scratchEventTable(connection, SCHEMA);
                storeDelivered(connection, account, OBJECTS * EVENTS_PER_OBJECT);
                storeDelivered(connection, "other-" + account, OTHER_ACCOUNT_EVENTS);
                statement.execute("ANALYZE stripe_event");

                long readBefore = TestDatabase.eventRowsAndEntriesRead(connection, SCHEMA);
                long replayed = firstBatch(connection, account);
                long read = TestDatabase.eventRowsAndEntriesRead(connection, SCHEMA) - readBefore;

                // The first batch reaches FIRST_BATCH events and takes the rest of its last object.
                assertThat(replayed).isBetween((long) ReplayRepository.FIRST_BATCH,
                        (long) ReplayRepository.FIRST_BATCH + EVENTS_PER_OBJECT);
                // Reach, lookups by object, the update's lookups by key: a few reads per event. The
                // plan this replaces read the account's 30,000 events here.
                assertThat(read)
                        .as("rows and index entries read by one batch of %d events", replayed)
                        .isLessThan(8L * ReplayRepository.FIRST_BATCH);
            } finally {
                connection.rollback();
            }
        }
    }

    /**
     * Statistics taken before the account's events arrived (a bulk load that autovacuum has not
     * analysed yet) say the account holds about one event. With them, the batch that looked up "the
     * events of the objects reached" compared each of the account's events with every object
     * reached (137 million comparisons here, 19 s); a batch's plan must stay about the size of the
     * batch whatever the statistics.
     */
    @Test
    void aBatchStaysTheSizeOfTheBatchWithStatisticsFromBeforeTheAccountsEvents() throws SQLException {
        String account = "replay-plan-" + UUID.randomUUID();
        try (Connection connection = TestDatabase.connect()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                TestDatabase.scratchEventTable(connection, SCHEMA);
                storeDelivered(connection, "other-" + account, 2 * OBJECTS * EVENTS_PER_OBJECT / 3);
                statement.execute("ANALYZE stripe_event");
                storeDelivered(connection, account, OBJECTS * EVENTS_PER_OBJECT);

                long handled = rowsHandledByBatch(connection, account, ReplayRepository.BATCH);

                // Reach, the last object, the keys and their locks, the update: a few rows per event.
                // The nested loop this replaces handled 30,000 x 5,000 here.
                assertThat(handled)
                        .as("rows handled by the steps of one batch of %d events", ReplayRepository.BATCH)
                        .isLessThan(20L * ReplayRepository.BATCH);
            } finally {
                connection.rollback();
            }
        }
    }

    /**
     * A batch is what delivery finds due at once, and a payment's Salesforce record is written by the
     * events of its payment intent and of its charges: a batch that held a charge without its payment
     * intent pushed the record again when the next batch brought the payment intent. Walking by object
     * id, the first batches held charges only (every {@code ch_} before any {@code pi_}).
     */
    @Test
    void aBatchHoldsThePaymentIntentWithItsCharges() throws SQLException {
        String account = "replay-plan-" + UUID.randomUUID();
        try (Connection connection = TestDatabase.connect()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                TestDatabase.scratchEventTable(connection, SCHEMA);
                storeDeliveredPayments(connection, account, OBJECTS);

                long replayed = firstBatch(connection, account);

                assertThat(replayed).isGreaterThanOrEqualTo(ReplayRepository.FIRST_BATCH);
                try (ResultSet split = statement.executeQuery("""
                        SELECT count(*) FROM (
                            SELECT coalesce(payment_intent_id, object_id) FROM stripe_event
                             WHERE account = '%s'
                             GROUP BY 1
                            HAVING count(*) FILTER (WHERE status = 'pending') > 0
                               AND count(*) FILTER (WHERE status = 'delivered') > 0) partly_replayed
                        """.formatted(account))) {
                    split.next();
                    assertThat(split.getLong(1)).as("payments the first batch put back in part").isZero();
                }
            } finally {
                connection.rollback();
            }
        }
    }

    /** {@code payments} payment intents, each with a succeeded event and two of its charge's. */
    private static void storeDeliveredPayments(Connection connection, String account, int payments) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO stripe_event (account, event_id, type, object_id, object_type, payment_intent_id, created,
                                          payload, status, done_at)
                SELECT ?, 'evt_' || md5(g::text || e.type), e.type, e.prefix || g, e.object_type,
                       CASE WHEN e.prefix = 'ch_' THEN 'pi_' || g END,
                       now() - interval '1 day' + g * interval '1 ms', '\\x7b7d'::bytea, 'delivered', now()
                  FROM generate_series(1, ?) g,
                       (VALUES ('pi_', 'payment_intent', 'payment_intent.succeeded'),
                               ('ch_', 'charge', 'charge.succeeded'),
                               ('ch_', 'charge', 'charge.refunded')) AS e(prefix, object_type, type)
                """)) {
            insert.setString(1, account);
            insert.setInt(2, payments);
            insert.executeUpdate();
        }
    }

    private static void storeDelivered(Connection connection, String account, int events) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO stripe_event (account, event_id, type, object_id, object_type, created, payload,
                                          status, done_at)
                SELECT ?, 'evt_' || md5(g::text), 'invoice.paid', 'in_' || (g / ?), 'invoice',
                       now() - interval '1 day' + g * interval '1 ms', '\\x7b7d'::bytea, 'delivered', now()
                  FROM generate_series(1, ?) g
                """)) {
            insert.setString(1, account);
            insert.setInt(2, EVENTS_PER_OBJECT);
            insert.setInt(3, events);
            insert.executeUpdate();
        }
    }

    /** The first batch of {@code POST /admin/replay {"account": ...}}; how many events it replayed. */
    private static long firstBatch(Connection connection, String account) throws SQLException {
        String batch = ReplayRepository.objectsBatch("account = $1", ReplayRepository.FIRST_BATCH);
        try (Statement statement = connection.createStatement()) {
            statement.execute("PREPARE replay_batch(text) AS " + batch);
        }
        // EXECUTE takes no bind parameters; the account is a test's own UUID-based name.
        try (Statement execute = connection.createStatement()) {
            try (ResultSet rows = execute.executeQuery("EXECUTE replay_batch('" + account + "')")) {
                rows.next();
                return rows.getLong("replayed");
            }
        }
    }

    /**
     * Every row each step of the batch's plan returned or filtered out, as {@code EXPLAIN ANALYZE}
     * counts them (the batch runs, inside the test's transaction).
     */
    private static long rowsHandledByBatch(Connection connection, String account, int limit) throws SQLException {
        String batch = ReplayRepository.objectsBatch("account = $1", limit);
        try (Statement statement = connection.createStatement()) {
            statement.execute("PREPARE replay_batch_explained(text) AS " + batch);
            long handled = 0;
            try (ResultSet plan = statement.executeQuery(
                    "EXPLAIN (ANALYZE, TIMING OFF) EXECUTE replay_batch_explained('" + account + "')")) {
                while (plan.next()) {
                    handled += rowsHandled(plan.getString(1));
                }
            }
            return handled;
        }
    }

    private static long rowsHandled(String planLine) {
        long handled = 0;
        Matcher actual = ACTUAL_ROWS.matcher(planLine);
        if (actual.find()) {
            handled += Long.parseLong(actual.group(1)) * Long.parseLong(actual.group(2));
        }
        Matcher removed = ROWS_REMOVED.matcher(planLine);
        if (removed.find()) {
            handled += Long.parseLong(removed.group(1));
        }
        return handled;
    }
}
