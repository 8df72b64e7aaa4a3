package io.paybridge.command;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.paybridge.testing.FakeStripeResource;
import io.paybridge.testing.TestPorts;
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
    private static final int HTTP = TestPorts.freePort();
    private static final int MANAGEMENT = TestPorts.freePort();

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(TestPorts.settings(HTTP, MANAGEMENT));
        overrides.put("paybridge.salesforce.enabled", "false");
        overrides.put("paybridge.accounts.acme.api-key", WRONG_KEY);
        return overrides;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeStripeResource.class));
    }
}
