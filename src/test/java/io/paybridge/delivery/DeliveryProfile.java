package io.paybridge.delivery;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.paybridge.testing.FakeSalesforceResource;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Delivery switched on against a fake Salesforce, with short timings so that retries, leases, the
 * circuit breaker and the limit pause play out within a test.
 */
public class DeliveryProfile implements QuarkusTestProfile {

    static final int MAX_ATTEMPTS = 6;

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
     * call, with calls of {@code timeout} and leases of {@code lease}.
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
                Map.entry("paybridge.salesforce.timeout", "1s"),
                Map.entry("paybridge.salesforce.retry.delay", "50ms"),
                Map.entry("paybridge.salesforce.circuit.request-volume", "4"),
                Map.entry("paybridge.salesforce.circuit.delay", "2s"),
                Map.entry("paybridge.salesforce.limit-pause", "2s"),
                Map.entry("paybridge.salesforce.budget-recheck", "300ms"),
                Map.entry("paybridge.delivery.lease", "5s"),
                Map.entry("paybridge.delivery.min-backoff", "100ms"),
                Map.entry("paybridge.delivery.max-backoff", "400ms"),
                Map.entry("paybridge.delivery.max-attempts", String.valueOf(MAX_ATTEMPTS)),
                Map.entry("paybridge.delivery.poll-interval", "50ms"),
                Map.entry("paybridge.metrics.refresh", "1s"));
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeSalesforceResource.class));
    }
}
