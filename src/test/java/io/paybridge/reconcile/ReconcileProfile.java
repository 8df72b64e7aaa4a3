package io.paybridge.reconcile;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.paybridge.testing.FakeStripe;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The sweep against the fake Stripe Events API, for the account {@code recon} only (its own events,
 * apart from every other test's). The schedule is off ({@code every=0}): tests sweep with
 * {@code POST /admin/reconcile}, so no sweep runs behind their backs. Delivery stays off.
 */
public class ReconcileProfile implements QuarkusTestProfile {

    static final String ACCOUNT = "recon";
    static final String TOKEN = "reconcile-admin-token";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "paybridge.salesforce.enabled", "false",
                "paybridge.admin.token", TOKEN,
                "paybridge.reconcile.every", "0",
                "paybridge.reconcile.rate-limit-retries", "2",
                "paybridge.reconcile.rate-limit-backoff", "100ms",
                "paybridge.accounts." + ACCOUNT + ".webhook-secrets", "whsec_recon_only");
    }

    /** Every setting of this profile and its fake, for another replica started beside the application under test. */
    static Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>(new ReconcileProfile().getConfigOverrides());
        settings.putAll(new FakeStripeForReconcile().start());
        return settings;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeStripeForReconcile.class));
    }

    /** The fake's URL and key: the packaged application gets them as configuration too. */
    public static final class FakeStripeForReconcile implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of(
                    "paybridge.stripe.api-base", FakeStripe.shared().url(),
                    "paybridge.stripe.page-size", "3",
                    // A 500 fails the run at once rather than after stripe-java's pauses.
                    "paybridge.stripe.max-network-retries", "0",
                    "paybridge.accounts." + ACCOUNT + ".api-key", FakeStripe.API_KEY);
        }

        @Override
        public void stop() {
            // Stopped with the test JVM, see FakeStripe.shared().
        }
    }
}
