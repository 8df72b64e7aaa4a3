package io.paybridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Free ports for the application under test, chosen once per test JVM: one for the webhooks, one
 * for the management interface.
 *
 * <p>Both are chosen here rather than left to port 0 because the packaged application does not
 * report a random management port back to the test, and because Quarkus' HTTP metrics tag a server
 * with its port only when one is set: one random and one fixed port give two meters of one name
 * with different tags, which the Prometheus registry refuses while the servers start.
 */
public final class TestPorts implements QuarkusTestResourceLifecycleManager {

    private static final int HTTP = freePort();
    private static final int MANAGEMENT = freePort();

    /** The management interface's root, {@code http://localhost:<port>/q/}. */
    public static String managementUrl() {
        return "http://localhost:" + MANAGEMENT + "/q/";
    }

    @Override
    public Map<String, String> start() {
        return settings(HTTP, MANAGEMENT);
    }

    /** The settings that put the application on these two ports, in tests and when packaged. */
    public static Map<String, String> settings(int http, int management) {
        return Map.of(
                "quarkus.http.port", String.valueOf(http),
                "quarkus.http.test-port", String.valueOf(http),
                "quarkus.management.port", String.valueOf(management),
                "quarkus.management.test-port", String.valueOf(management));
    }

    @Override
    public void stop() {
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
