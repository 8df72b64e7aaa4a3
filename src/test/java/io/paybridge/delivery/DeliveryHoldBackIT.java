package io.paybridge.delivery;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link DeliveryHoldBackTest} against the packaged application. */
@QuarkusIntegrationTest
class DeliveryHoldBackIT extends DeliveryHoldBackTest {
}
