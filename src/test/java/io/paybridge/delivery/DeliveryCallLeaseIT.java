package io.paybridge.delivery;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link DeliveryCallLeaseTest} against the packaged application. */
@QuarkusIntegrationTest
class DeliveryCallLeaseIT extends DeliveryCallLeaseTest {
}
