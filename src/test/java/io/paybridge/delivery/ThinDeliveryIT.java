package io.paybridge.delivery;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ThinDeliveryTest} against the packaged application. */
@QuarkusIntegrationTest
class ThinDeliveryIT extends ThinDeliveryTest {
}
