package io.paybridge.delivery;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link DeliveryResumeTest} against the packaged application. */
@QuarkusIntegrationTest
class DeliveryResumeIT extends DeliveryResumeTest {
}
