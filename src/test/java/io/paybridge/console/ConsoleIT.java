package io.paybridge.console;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ConsoleTest} against the packaged application. */
@QuarkusIntegrationTest
class ConsoleIT extends ConsoleTest {
}
