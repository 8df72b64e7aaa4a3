package io.paybridge.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
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

    /**
     * Where each delivery test starts: a fake with no records, calls or faults. The database is left
     * as it is (the delivery loop keeps running on it): tests keep apart by ids of their own. A call
     * of the test before may still be on its way; it lands before it is forgotten, or it would show
     * up in this test's calls.
     */
    private static FakeSalesforce cleanSlate() {
        await().atMost(Duration.ofSeconds(30)).until(() -> fake.callsInFlight() == 0);
        fake.reset();
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

    /** Each test instance's {@link InjectFakeSalesforce} field: the fake, on a clean slate. */
    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(cleanSlate(),
                new TestInjector.AnnotatedAndMatchesType(InjectFakeSalesforce.class, FakeSalesforce.class));
    }

    @Override
    public void stop() {
        if (fake != null) {
            fake.stop();
            fake = null;
        }
    }
}
