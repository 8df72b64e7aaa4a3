package io.paybridge.intake;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link StorageOutageTest} against the packaged application. */
@QuarkusIntegrationTest
class StorageOutageIT extends StorageOutageTest {
}
