package io.paybridge.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.paybridge.testing.FakeStripeResource;

/**
 * Delivery against the fake Salesforce and the fake Stripe API, with a short fetch timeout so that
 * a slow Stripe plays out within a test.
 */
public class ThinDeliveryProfile extends DeliveryProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return settingsWith(Map.of("paybridge.stripe.fetch-timeout", "1s"));
    }

    @Override
    public List<TestResourceEntry> testResources() {
        List<TestResourceEntry> resources = new ArrayList<>(super.testResources());
        resources.add(new TestResourceEntry(FakeStripeResource.class));
        return resources;
    }
}
