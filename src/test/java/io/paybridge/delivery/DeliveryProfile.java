package io.paybridge.delivery;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.paybridge.testing.FakeSalesforceResource;
import io.paybridge.testing.FakeStripeResource;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Delivery switched on against a fake Salesforce and the fake Stripe API that thin events' objects
 * are fetched from, with short timings so that retries, leases, the circuit breaker, the limit pause
 * and a slow Stripe play out within a test. One profile for snapshot and thin events, so that their
 * tests' packaged twins share one launch of the application. Reconciliation is off: the fake
 * Stripe's account has an API key, and a sweep in the middle of a test would store events it did
 * not send.
 */
public class DeliveryProfile implements QuarkusTestProfile {

    static final int MAX_ATTEMPTS = 6;

    /**
     * What a Salesforce call may take. Tests count attempts (a first delivery takes exactly one), and a
     * freshly started JVM's first call, on a slow or busy machine, can take more than a second: a call
     * timeout of 1 s made such a call an attempt of its own (DeliveryHoldBackTest failed that way in a
     * fresh-clone CI). A test that wants a timeout makes the fake answer after more than this.
     */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    @Override
    public Map<String, String> getConfigOverrides() {
        return settings();
    }

    /** This profile's settings with {@code changes} over them, for the profiles that differ in a few. */
    protected static Map<String, String> settingsWith(Map<String, String> changes) {
        Map<String, String> settings = new HashMap<>(settings());
        settings.putAll(changes);
        return settings;
    }

    /**
     * More workers than call slots, each worker taking one object a turn and each record its own
     * call, with calls of {@code timeout} and leases of {@code lease}: a map of the caller's own, to
     * add settings to.
     */
    protected static Map<String, String> callSlotSettings(int workers, int slots, String timeout, String lease) {
        return settingsWith(Map.of(
                "paybridge.delivery.workers", String.valueOf(workers),
                "paybridge.delivery.concurrency", String.valueOf(slots),
                "paybridge.delivery.claim-size", "1",
                "paybridge.delivery.claim-objects", "1",
                "paybridge.salesforce.batch-size", "1",
                "paybridge.salesforce.timeout", timeout,
                "paybridge.delivery.lease", lease));
    }

    private static Map<String, String> settings() {
        return Map.ofEntries(
                Map.entry("paybridge.salesforce.timeout", CALL_TIMEOUT.toSeconds() + "s"),
                Map.entry("paybridge.salesforce.retry.delay", "50ms"),
                Map.entry("paybridge.salesforce.circuit.request-volume", "4"),
                Map.entry("paybridge.salesforce.circuit.delay", "2s"),
                Map.entry("paybridge.salesforce.limit-pause", "2s"),
                Map.entry("paybridge.salesforce.budget-recheck", "300ms"),
                // Longer than 1.5 x the call timeout, as the service requires.
                Map.entry("paybridge.delivery.lease", "15s"),
                Map.entry("paybridge.delivery.min-backoff", "100ms"),
                Map.entry("paybridge.delivery.max-backoff", "400ms"),
                Map.entry("paybridge.delivery.max-attempts", String.valueOf(MAX_ATTEMPTS)),
                Map.entry("paybridge.delivery.poll-interval", "50ms"),
                Map.entry("paybridge.metrics.refresh", "1s"),
                Map.entry("paybridge.stripe.fetch-timeout", "1s"),
                Map.entry("paybridge.reconcile.every", "0"));
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeSalesforceResource.class), new TestResourceEntry(FakeStripeResource.class));
    }
}
