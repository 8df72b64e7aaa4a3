package io.paybridge.delivery;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link DeliveryTest} against the packaged application. */
@QuarkusIntegrationTest
class DeliveryIT extends DeliveryTest {
}
