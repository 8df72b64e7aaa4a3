package io.paybridge.ops.command;

import java.util.List;
import java.util.Map;

import io.paybridge.testing.FakeStripeResource;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Commands against the fake Stripe Events API: {@code default} has the right API key, {@code acme} a
 * key Stripe refuses, {@code nokey} none. Delivery stays off: commands never deliver.
 */
public class CommandsProfile implements QuarkusTestProfile {

    static final String WRONG_KEY = "sk_test_51RevokedPaybridgeKey9999";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "paybridge.salesforce.enabled", "false",
                "paybridge.accounts.acme.api-key", WRONG_KEY,
                "paybridge.accounts.nokey.webhook-secrets", "whsec_nokey_only");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeStripeResource.class));
    }
}
