package io.paybridge.delivery;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link DeliveryNextTurnTest} against the packaged application. */
@QuarkusIntegrationTest
class DeliveryNextTurnIT extends DeliveryNextTurnTest {
}
