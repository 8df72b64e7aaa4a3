package io.paybridge.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import io.paybridge.testing.PackagedApplication;
import io.paybridge.testing.PackagedApplication.CommandRun;
import io.paybridge.testing.PackagedApplication.Replica;
import io.paybridge.testing.TestDatabase;
import io.quarkus.test.junit.main.QuarkusMainIntegrationTest;
import org.junit.jupiter.api.Test;

/** {@link CommandsTest} against the packaged executable, and a command run beside a serving process. */
@QuarkusMainIntegrationTest
class CommandsIT extends CommandsTest {

    /**
     * As operators run a command with {@code kubectl exec} or {@code docker compose exec}: in the
     * container of a running server, with its environment, so with its HTTP and management ports.
     * The command opens neither, and its stdout is its summary line alone, logs going to stderr.
     */
    @Test
    void aCommandRunsBesideARunningServerWithTheSameConfiguration() {
        String payout = run + "payout";
        String invoice = run + "invoice";
        insertDead(payout, "payout.paid");
        insertDead(invoice, "invoice.paid");

        try (Replica server = PackagedApplication.startReplica("commands-server",
                Map.of("paybridge.salesforce.enabled", "false"), Duration.ofMinutes(3))) {
            assertThat(server.settings()).containsKeys("quarkus.http.port", "quarkus.management.port");

            CommandRun dryRun = PackagedApplication.runCommand("commands-beside-server", server.settings(), Duration.ofMinutes(2),
                    "reprocess", "--status", "dead", "--dry-run", "--id", payout, "--id", invoice);

            assertThat(dryRun.exitCode()).as("exit code; stdout:%n%s%nstderr:%n%s", dryRun.stdout(), dryRun.stderr()).isZero();
            assertThat(dryRun.stdout()).isEqualTo("matched=2 replayed=0" + System.lineSeparator());
            assertThat(dryRun.stderr())
                    .as("the logs, on stderr")
                    .contains("Profile test activated")
                    .as("no error, and no stack trace")
                    .doesNotContain("ERROR")
                    .doesNotContain("\tat ");
            assertThat(server.ready()).as("the server still serves, see " + server.log()).isTrue();
        }
        assertThat(TestDatabase.delivery("default", payout).orElseThrow().status()).isEqualTo("dead");
    }
}
