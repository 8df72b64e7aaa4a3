package io.paybridge.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points Paybridge's backfill at a {@link FakeStripe}, with an API key for the {@code default}
 * account. One fake serves the whole test JVM: command tests start the application once per
 * launch, and the fake's events must outlive each launch.
 */
public final class FakeStripeResource implements QuarkusTestResourceLifecycleManager {

    public static FakeStripe fake() {
        return FakeStripe.shared();
    }

    @Override
    public Map<String, String> start() {
        FakeStripe fake = fake();
        return Map.of(
                "paybridge.stripe.api-base", fake.url(),
                "paybridge.stripe.page-size", "3",
                "paybridge.stripe.max-network-retries", "0",
                "paybridge.accounts.default.api-key", FakeStripe.API_KEY);
    }

    @Override
    public void stop() {
        // Stopped with the test JVM, see FakeStripe.shared().
    }
}
