package io.paybridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The schema's history as Flyway keeps it, for a new database and for one made before the baseline
 * script B12__schema.sql replaced V1 to V12 (src/main/resources/db/migration/beforeValidate.sql).
 * Each test migrates a PostgreSQL schema of its own with the application's migrations, as Quarkus
 * does at start, and drops it afterwards.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class SchemaBaselineTest {

    /** The twelve scripts a database made before the baseline ran, as its history names them. */
    private static final List<String> OLD_SCRIPTS = List.of("stripe event", "salesforce record", "claim by object",
            "delivery at scale", "payload lz4", "thin events", "reconcile", "claim whole objects", "event status counts",
            "links without foreign key", "announce stored events after commit", "claim bounded by bytes");

    /** The scripts after the baseline, as the history names them. */
    private static final List<String> LATER_SCRIPTS = List.of("13 SQL stripe event columns in row",
            "14 SQL claim bounded by objects", "15 SQL salesforce record room to update",
            "16 SQL held back events keep their place",
            "17 SQL claim by payment", "18 SQL invoice joins its payment", "19 SQL payment intent id in row",
            "20 SQL claim says whether more is due", "21 SQL claims one at a time",
            "22 SQL claims end on a whole payment",
            "23 SQL fewer index entries per update");

    private static final String LATEST_VERSION = "23";

    private final String schema = "baseline_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @AfterEach
    void dropSchema() {
        TestDatabase.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    @Test
    void aNewDatabaseStartsFromTheBaseline() {
        flyway().migrate();

        assertThat(history()).containsExactlyElementsOf(withLaterScripts("12 SQL_BASELINE schema"));
        assertThat(flyway().info().current().getVersion().getVersion()).isEqualTo(LATEST_VERSION);
        flyway().validate();
    }

    @Test
    void aDatabaseThatRanTheTwelveScriptsIsRecordedAsBaselinedAndValidatesStrictly() {
        flyway("12").migrate();
        replaceHistoryWithTheOldScripts(12);

        flyway().migrate();

        assertThat(history()).containsExactlyElementsOf(withLaterScripts("12 BASELINE << Flyway Baseline >>"));
        MigrationInfo current = flyway().info().current();
        assertThat(current.getVersion().getVersion()).isEqualTo(LATEST_VERSION);
        assertThat(Arrays.stream(flyway().info().pending())).as("nothing to apply").isEmpty();
        flyway().validate();
        assertThat(TestDatabase.scalarCount("SELECT count(*) FROM " + schema + ".reconcile_lease"))
                .as("the schema itself untouched").isEqualTo(1);
    }

    @Test
    void anEventKeepsOnlyItsPayloadOutOfTheRow() {
        flyway().migrate();
        // Ids as long as Stripe's, and a payload that does not compress, so that it must go out of line.
        // A charge's event, so that it names its payment intent too (its group, V17).
        // The schema's own search path, so that the row's triggers count it in this schema's tables.
        TestDatabase.execute("""
                SET search_path TO %1$s;
                INSERT INTO stripe_event (account, event_id, type, object_id, object_type, payment_intent_id, created,
                                          payload, lease_owner)
                VALUES ('acct_long_account_name_1234', 'evt_3Qm1NzLkdIwHu7ix0ZbWPGuS4fQ9ab', 'charge.dispute.funds_withdrawn',
                        'ch_3Qm1NzLkdIwHu7ix0ZbWPGuS4fQ9ab', 'charge', 'pi_3Qm1NzLkdIwHu7ix0ZbWPGuS4fQ9ab', now(),
                        (SELECT string_agg(sha512(int4send(i)), ''::bytea) FROM generate_series(1, 64) i),
                        'paybridge-7d9f8c6b5-x2kqp:8c7e1f0a-5b8f-4f7e-9a7c-3b1f2d6e4a90')""".formatted(schema));

        assertThat(TestDatabase.scalarCount("SELECT count(DISTINCT chunk_id) FROM "
                + TestDatabase.findRow("SELECT reltoastrelid::regclass::text FROM pg_class WHERE oid = '" + schema
                        + ".stripe_event'::regclass", row -> row.getString(1)).orElseThrow()))
                .as("TOAST values of the one event: its payload, not its ids, payment intent, type or lease owner")
                .isEqualTo(1);
    }

    /**
     * The table's small toast_tuple_target moves every column whose storage allows it out of the row:
     * V17 added payment_intent_id with text's default and each id became a TOAST value of its own
     * (V19). Any column added later must say where it lives; only the payloads belong out of line.
     */
    @Test
    void everyColumnButThePayloadsIsStoredInTheRow() {
        flyway().migrate();

        assertThat(TestDatabase.scalarCount("""
                SELECT count(*) FROM pg_attribute
                 WHERE attrelid = '%s.stripe_event'::regclass AND attnum > 0 AND NOT attisdropped
                   AND attstorage IN ('x', 'e') AND attname NOT IN ('payload', 'fetched')""".formatted(schema)))
                .as("columns of stripe_event that PostgreSQL may move out of the row, besides payload and fetched")
                .isZero();
    }

    @Test
    void aRecordsLeaseIsWrittenOnItsOwnPage() throws SQLException {
        flyway().migrate();
        try (Connection connection = TestDatabase.connect(); Statement statement = connection.createStatement()) {
            statement.execute("SET search_path TO " + schema);
            // Rows as large as the default routes make them: an ordering key for the route and each shared field.
            statement.execute("""
                    INSERT INTO salesforce_record (sobject, external_id, route_watermarks, newest_created, newest_rank, newest_event_id)
                    SELECT 'Stripe_Payment__c', 'pi_3TQk7dR2hXk9LmQa0Ux5Nw2Q' || lpad(i::text, 5, '0'),
                           (SELECT jsonb_object_agg(route, jsonb_build_object('rank', 4, 'created', 1795431605000,
                                       'eventId', 'evt_3TQk19R2hXk9LmQaEv0150' || lpad(i::text, 5, '0')))
                              FROM unnest(ARRAY['payment-intent', 'field:Livemode__c', 'field:Stripe_Account__c',
                                                'field:Last_Stripe_Event_At__c', 'field:Last_Stripe_Event_Id__c',
                                                'field:Last_Stripe_Event_Type__c']) route),
                           1795431605000, 4, 'evt_3TQk19R2hXk9LmQaEv0150' || lpad(i::text, 5, '0')
                      FROM generate_series(1, 30) i""");
            connection.setAutoCommit(false);
            statement.execute("""
                    UPDATE salesforce_record
                       SET lease_owner = 'paybridge-7d9f8c6b5-x2kqp:8c7e1f0a', lease_expires_at = now() + interval '1 minute'
                     WHERE external_id = 'pi_3TQk7dR2hXk9LmQa0Ux5Nw2Q00001'""");
            try (ResultSet hot = statement.executeQuery(
                    "SELECT pg_stat_get_xact_tuples_hot_updated('salesforce_record'::regclass)")) {
                hot.next();
                assertThat(hot.getLong(1)).as("the lease's update of a record on a page filled by inserts stays on it")
                        .isEqualTo(1);
            }
            connection.rollback();
        }
    }

    @Test
    void aDatabaseThatStoppedShortOfTheTwelfthScriptIsRefusedWithWhatToDo() {
        flyway("12").migrate();
        replaceHistoryWithTheOldScripts(10);

        assertThatThrownBy(() -> flyway().migrate())
                .isInstanceOf(FlywayException.class)
                .hasMessageContaining("This database is at schema version 10, and this version of Paybridge starts from version 12");
        assertThat(history()).as("history left as it was").hasSize(10);
    }

    private static List<String> withLaterScripts(String baseline) {
        List<String> history = new ArrayList<>(List.of(baseline));
        history.addAll(LATER_SCRIPTS);
        return history;
    }

    private Flyway flyway() {
        return flyway("latest");
    }

    /** The application's migrations up to {@code target}: a database made before the baseline is at 12. */
    private Flyway flyway(String target) {
        Map<String, String> settings = TestDatabase.connectionSettings();
        return Flyway.configure()
                .dataSource(settings.get("quarkus.datasource.jdbc.url"), settings.get("quarkus.datasource.username"),
                        settings.get("quarkus.datasource.password"))
                .schemas(schema)
                .target(target)
                .load();
    }

    private void replaceHistoryWithTheOldScripts(int reached) {
        TestDatabase.execute("DELETE FROM " + schema + ".flyway_schema_history");
        for (int version = 1; version <= reached; version++) {
            String description = OLD_SCRIPTS.get(version - 1);
            TestDatabase.execute("""
                    INSERT INTO %s.flyway_schema_history (installed_rank, version, description, type, script, checksum,
                                                          installed_by, execution_time, success)
                    VALUES (%d, '%d', '%s', 'SQL', 'V%d__%s.sql', %d, 'paybridge', 10, true)"""
                    .formatted(schema, version, version, description, version, description.replace(' ', '_'),
                            description.hashCode()));
        }
    }

    private List<String> history() {
        List<String> rows = new ArrayList<>();
        try (Connection connection = TestDatabase.connect(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT version || ' ' || type || ' ' || description FROM "
                        + schema + ".flyway_schema_history WHERE type <> 'SCHEMA' ORDER BY installed_rank")) {
            while (row.next()) {
                rows.add(row.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }
}
