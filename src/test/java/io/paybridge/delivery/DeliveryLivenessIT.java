package io.paybridge.delivery;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link DeliveryLivenessTest} against the packaged application. */
@QuarkusIntegrationTest
class DeliveryLivenessIT extends DeliveryLivenessTest {
}
