package io.paybridge.intake;

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
 * The client prepares the group commit's insert once per connection, and PostgreSQL keeps the plan
 * of its first batches: on a new database, a plan made on an empty table. Whatever the table holds
 * later, a batch must read about what it stores. The joined lookup of an invoice's stored events was
 * planned there as a scan of the whole table, run by every batch, invoice payments or not: the
 * intake benchmark's PostgreSQL spent two to three times the CPU per webhook in the runs that got
 * that plan (docs/benchmarks.md, 2026-12-04). As in the replay's plan test, the table is a fresh
 * copy in a schema of its own, inside one transaction that is rolled back.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class IntakeInsertPlanTest {

    private static final String SCHEMA = "intake_plan_test";
    private static final int STORED = 20_000;
    private static final String COLUMN_TYPES = "text[], text[], text[], text[], boolean[], text[], text[], text[], "
            + "text[], timestamptz[], bytea[], boolean[], text[], text[], text[]";

    @Test
    void aBatchPlannedOnAnEmptyTableReadsAboutWhatItStoresOnceTheTableHasGrown() throws SQLException {
        String account = "intake-plan-" + UUID.randomUUID();
        try (Connection connection = TestDatabase.connect()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                TestDatabase.scratchEventTable(connection, SCHEMA);
                statement.execute("PREPARE intake_insert(" + COLUMN_TYPES + ") AS " + IntakeRepository.INSERT);
                // The plan every later batch of this connection uses, made while the table is empty.
                statement.execute("SET LOCAL plan_cache_mode = force_generic_plan");
                statement.execute("EXPLAIN EXECUTE intake_insert(" + "NULL, ".repeat(14) + "NULL)");
                storeInvoiceEvents(connection, account, STORED);

                long readBefore = TestDatabase.eventRowsAndEntriesRead(connection, SCHEMA);
                try (ResultSet stored = statement.executeQuery("EXECUTE intake_insert(" + oneInvoiceEvent(account) + ")")) {
                    assertThat(stored.next()).as("the batch's event was stored").isTrue();
                }
                long read = TestDatabase.eventRowsAndEntriesRead(connection, SCHEMA) - readBefore;

                // The primary key's check and the link's lookup: a handful. The join this replaces
                // read the table's 20,000 events here.
                assertThat(read).as("rows and index entries read by a batch of one event").isLessThan(100L);
            } finally {
                connection.rollback();
            }
        }
    }

    /** Invoice events without a payment intent: what the joined lookup filtered the whole table for. */
    private static void storeInvoiceEvents(Connection connection, String account, int events) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO stripe_event (account, event_id, type, object_id, object_type, created, payload)
                SELECT ?, 'evt_' || md5(g::text), 'invoice.paid', 'in_' || g, 'invoice',
                       now() - interval '1 day' + g * interval '1 ms', '\\x7b7d'::bytea
                  FROM generate_series(1, ?) g
                """)) {
            insert.setString(1, account);
            insert.setInt(2, events);
            insert.executeUpdate();
        }
    }

    /** EXECUTE takes no bind parameters: the columns of one new invoice event as literals. */
    private static String oneInvoiceEvent(String account) {
        return String.join(", ",
                "ARRAY['" + account + "']", "ARRAY['evt_intake_plan_new']", "ARRAY['invoice.paid']", "ARRAY[NULL]",
                "ARRAY[false]", "ARRAY[NULL]", "ARRAY['in_intake_plan_new']", "ARRAY['invoice']", "ARRAY['paid']",
                "ARRAY[now()]", "ARRAY['\\x7b7d'::bytea]", "ARRAY[false]", "ARRAY[NULL]", "ARRAY[NULL]", "ARRAY[NULL]");
    }
}
