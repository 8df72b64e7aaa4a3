package io.paybridge.delivery;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link DeliveryFaultsTest} against the packaged application. */
@QuarkusIntegrationTest
class DeliveryFaultsIT extends DeliveryFaultsTest {
}
