package io.paybridge.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL cluster of the fault suite's own, on a free port, made and driven by
 * {@code scripts/pg}: stopped and started by scenarios, destroyed at the end.
 */
final class ThrowawayPostgres implements AutoCloseable {

    private static final Path SCRIPT = Path.of("scripts", "pg").toAbsolutePath();

    private final int port = freePort();

    void start() {
        run("start");
    }

    /** A fast shutdown: sessions are cut, in-flight transactions roll back. */
    void stop() {
        run("stop");
    }

    int port() {
        return port;
    }

    String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port + "/paybridge";
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:" + reactiveUrl(), "paybridge", "paybridge");
    }

    void execute(String sql) {
        try (Connection connection = connect(); var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long count(String sql) {
        try (Connection connection = connect(); var statement = connection.createStatement();
                var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        run("destroy");
    }

    private void run(String command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString(), command).redirectErrorStream(true);
            builder.environment().put("PAYBRIDGE_PG_PORT", String.valueOf(port));
            builder.environment().put("PAYBRIDGE_PG_DIR", "/tmp/paybridge-faults-pg-" + port);
            // Its own database name, whatever scripts/test chose for the other tests.
            builder.environment().put("PAYBRIDGE_PG_DB", "paybridge");
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("scripts/pg " + command + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
