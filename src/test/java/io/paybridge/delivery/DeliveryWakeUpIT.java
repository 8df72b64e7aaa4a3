package io.paybridge.delivery;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link DeliveryWakeUpTest} against the packaged application. */
@QuarkusIntegrationTest
class DeliveryWakeUpIT extends DeliveryWakeUpTest {
}
