package io.paybridge.command;

import io.quarkus.test.junit.main.QuarkusMainIntegrationTest;

/** {@link CommandsTest} against the packaged executable. */
@QuarkusMainIntegrationTest
class CommandsIT extends CommandsTest {
}
