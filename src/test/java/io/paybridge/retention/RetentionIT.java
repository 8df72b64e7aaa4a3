package io.paybridge.retention;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link RetentionTest} against the packaged application. */
@QuarkusIntegrationTest
class RetentionIT extends RetentionTest {
}
