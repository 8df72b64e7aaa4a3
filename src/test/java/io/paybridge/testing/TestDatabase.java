package io.paybridge.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import io.quarkus.test.common.DevServicesContext;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;

/**
 * Reads what the application stored, over its own JDBC connection to the same PostgreSQL, so the
 * same assertions work against the application in-process and packaged. The database is the one
 * the application was given: Dev Services' when Docker runs, the configured one otherwise.
 */
public final class TestDatabase implements QuarkusTestResourceLifecycleManager, DevServicesContext.ContextAware {

    private static volatile Map<String, String> devServices = Map.of();
    private static final AtomicBoolean MIGRATED = new AtomicBoolean();

    @Override
    public void setIntegrationTestContext(DevServicesContext context) {
        devServices = context.devServicesProperties();
    }

    @Override
    public Map<String, String> start() {
        return Map.of();
    }

    @Override
    public void stop() {
    }

    public static Connection connect() throws SQLException {
        migrateOnce();
        return DriverManager.getConnection(setting("quarkus.datasource.jdbc.url"),
                setting("quarkus.datasource.username"), setting("quarkus.datasource.password"));
    }

    /**
     * A fresh copy of the event table with its indexes (as on a new database: the shared table's
     * indexes carry other tests' history), in a schema of its own that unqualified statements find
     * first on the search path, for the rest of the connection's transaction: the caller rolls it back.
     */
    public static void scratchEventTable(Connection connection, String schema) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
            statement.execute("SET LOCAL search_path = " + schema + ", public");
            statement.execute("CREATE TABLE " + schema + ".stripe_event (LIKE public.stripe_event INCLUDING ALL)");
        }
    }

    /**
     * Rows read by sequential scans of {@code schema}'s event table and entries read from its
     * indexes so far in this transaction: what a statement under test read is the difference.
     */
    public static long eventRowsAndEntriesRead(Connection connection, String schema) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("""
                        SELECT pg_stat_get_xact_tuples_returned('%1$s.stripe_event'::regclass)
                               + coalesce((SELECT sum(pg_stat_get_xact_tuples_returned(i.indexrelid)) FROM pg_index i
                                            WHERE i.indrelid = '%1$s.stripe_event'::regclass), 0)
                        """.formatted(schema))) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /**
     * The schema exists before a test's first statement, even when that test runs before any
     * application has started on a new database (a command test prepares rows before its launch).
     * Flyway takes a lock, so this and the application's own migration at start cannot collide.
     */
    private static void migrateOnce() {
        if (MIGRATED.compareAndSet(false, true)) {
            Flyway.configure()
                    .dataSource(setting("quarkus.datasource.jdbc.url"), setting("quarkus.datasource.username"),
                            setting("quarkus.datasource.password"))
                    .load()
                    .migrate();
        }
    }

    /** The database settings the application under test was given, for a second process of it. */
    public static Map<String, String> connectionSettings() {
        String jdbcUrl = setting("quarkus.datasource.jdbc.url");
        return Map.of(
                "quarkus.datasource.jdbc.url", jdbcUrl,
                "quarkus.datasource.reactive.url", jdbcUrl.replaceFirst("^jdbc:", ""),
                "quarkus.datasource.username", setting("quarkus.datasource.username"),
                "quarkus.datasource.password", setting("quarkus.datasource.password"));
    }

    public static Optional<StoredEvent> find(String account, String eventId) {
        return findRow("""
                SELECT account, event_id, type, api_version, livemode, connect_account, object_id,
                       object_type, object_status, extract(epoch FROM created)::bigint, payload, status,
                       attempts
                FROM stripe_event WHERE account = ? AND event_id = ?""",
                row -> new StoredEvent(row.getString(1), row.getString(2), row.getString(3),
                        row.getString(4), row.getBoolean(5), row.getString(6), row.getString(7), row.getString(8),
                        row.getString(9), row.getLong(10), row.getBytes(11), row.getString(12), row.getInt(13)),
                account, eventId);
    }

    /** Reads one row of a result. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    /** The first row {@code sql} finds with these parameters, read by {@code reader}; empty when none. */
    public static <T> Optional<T> findRow(String sql, RowReader<T> reader, String... parameters) {
        try (Connection connection = connect(); PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(reader.read(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(String account, String eventId) {
        return scalar("SELECT count(*) FROM stripe_event WHERE account = ? AND event_id = ?", account, eventId);
    }

    /** The single number a counting query answers. */
    public static long scalarCount(String sql) {
        return scalar(sql);
    }

    /** Runs one statement, for tests that set up or age rows by hand. */
    public static void execute(String sql) {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Event id -> delivery status of every stored event of an account. */
    public static Map<String, String> statuses(String account) {
        return statuses(account, "");
    }

    /**
     * Event id -> delivery status of the account's stored events whose id contains {@code tag}: one
     * test's own events, when the test gave them ids with a tag of its own.
     */
    public static Map<String, String> statuses(String account, String tag) {
        Map<String, String> statuses = new java.util.TreeMap<>();
        try (Connection connection = connect();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT event_id, status FROM stripe_event WHERE account = ? AND strpos(event_id, ?) > 0")) {
            query.setString(1, account);
            query.setString(2, tag);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    statuses.put(row.getString(1), row.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return statuses;
    }

    /** Status, attempts and last error of one event; empty when it is not stored. */
    public static Optional<Delivery> delivery(String account, String eventId) {
        try (Connection connection = connect();
                PreparedStatement query = connection.prepareStatement("""
                        SELECT status, attempts, last_error, lease_owner FROM stripe_event
                        WHERE account = ? AND event_id = ?""")) {
            query.setString(1, account);
            query.setString(2, eventId);
            try (ResultSet row = query.executeQuery()) {
                return row.next()
                        ? Optional.of(new Delivery(row.getString(1), row.getInt(2), row.getString(3), row.getString(4)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public record Delivery(String status, int attempts, String lastError, String leaseOwner) {
        public boolean done() {
            return "delivered".equals(status) || "skipped".equals(status) || "dead".equals(status);
        }
    }

    public static void delete(String account, String eventId) {
        try (Connection connection = connect();
                PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM stripe_event WHERE account = ? AND event_id = ?")) {
            delete.setString(1, account);
            delete.setString(2, eventId);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long scalar(String sql, String... parameters) {
        return findRow(sql, row -> row.getLong(1), parameters).orElseThrow();
    }

    static String setting(String name) {
        String fromDevServices = devServices.get(name);
        if (fromDevServices != null) {
            return fromDevServices;
        }
        return ConfigProvider.getConfig().getOptionalValue(name, String.class)
                .orElseThrow(() -> new IllegalStateException(name + " is not set: run the tests with scripts/test"));
    }

    public record StoredEvent(String account, String eventId, String type, String apiVersion, boolean livemode,
            String connectAccount, String objectId, String objectType, String objectStatus, long created,
            byte[] payload, String status, int attempts) {

        public String payloadText() {
            return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
