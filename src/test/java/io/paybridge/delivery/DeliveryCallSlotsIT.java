package io.paybridge.delivery;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link DeliveryCallSlotsTest} against the packaged application. */
@QuarkusIntegrationTest
class DeliveryCallSlotsIT extends DeliveryCallSlotsTest {
}
