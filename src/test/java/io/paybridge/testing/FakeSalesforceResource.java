package io.paybridge.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a {@link FakeSalesforce} for the application under test and points Paybridge at it with
 * client credentials. The fake runs in the test JVM, so in-process and packaged tests reach it
 * through {@link #fake()} alike.
 */
public final class FakeSalesforceResource implements QuarkusTestResourceLifecycleManager {

    private static volatile FakeSalesforce fake;

    public static FakeSalesforce fake() {
        return fake;
    }

    @Override
    public Map<String, String> start() {
        fake = FakeSalesforce.start();
        return Map.of(
                "paybridge.salesforce.login-url", fake.url(),
                "paybridge.salesforce.client-id", FakeSalesforce.CLIENT_ID,
                "paybridge.salesforce.client-secret", FakeSalesforce.CLIENT_SECRET);
    }

    @Override
    public void stop() {
        if (fake != null) {
            fake.stop();
            fake = null;
        }
    }
}
