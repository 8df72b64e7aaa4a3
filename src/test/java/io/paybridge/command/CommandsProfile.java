package io.paybridge.command;

import java.util.List;
import java.util.Map;

import io.paybridge.testing.FakeStripeResource;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Commands against the fake Stripe Events API: {@code default} has the right API key, {@code acme} a
 * key Stripe refuses. Delivery stays off: commands never deliver.
 */
public class CommandsProfile implements QuarkusTestProfile {

    static final String WRONG_KEY = "sk_test_51RevokedPaybridgeKey9999";

    /**
     * Ports of their own: each launch is a new application, and the first may start while the
     * application of the previous test class still holds the shared test ports.
     */
    private static final int HTTP = freePort();
    private static final int MANAGEMENT = freePort();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.http.port", String.valueOf(HTTP),
                "quarkus.http.test-port", String.valueOf(HTTP),
                "quarkus.management.port", String.valueOf(MANAGEMENT),
                "quarkus.management.test-port", String.valueOf(MANAGEMENT),
                "paybridge.salesforce.enabled", "false",
                "paybridge.accounts.acme.api-key", WRONG_KEY);
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeStripeResource.class));
    }
}
