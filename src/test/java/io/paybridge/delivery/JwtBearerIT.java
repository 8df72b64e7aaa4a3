package io.paybridge.delivery;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link JwtBearerTest} against the packaged application. */
@QuarkusIntegrationTest
class JwtBearerIT extends JwtBearerTest {
}
