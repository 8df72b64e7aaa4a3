package io.paybridge.intake;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ThinWebhookTest} against the packaged application. */
@QuarkusIntegrationTest
class ThinWebhookIT extends ThinWebhookTest {
}
