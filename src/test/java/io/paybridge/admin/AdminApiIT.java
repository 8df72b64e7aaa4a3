package io.paybridge.admin;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link AdminApiTest} against the packaged application. */
@QuarkusIntegrationTest
class AdminApiIT extends AdminApiTest {
}
