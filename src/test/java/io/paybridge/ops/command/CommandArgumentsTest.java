package io.paybridge.ops.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import io.paybridge.ops.EventAdminService;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What the commands say about arguments they cannot use, before they touch the database or Stripe.
 * Plain picocli over commands without services: a refusal that reached a service would fail here
 * with a NullPointerException instead of exit code 2. {@link CommandsTest} runs what needs the
 * application.
 */
class CommandArgumentsTest {

    record Run(int exitCode, String out, String err) {
    }

    @Test
    void reprocessRefusesToRunWithoutFiltersOrWithBadOnes() {
        Run none = run("reprocess");
        assertThat(none.exitCode()).isEqualTo(PaybridgeCommandLine.USAGE);
        assertThat(none.err()).contains("at least one filter");

        Run badStatus = run("reprocess", "--status", "broken");
        assertThat(badStatus.exitCode()).isEqualTo(PaybridgeCommandLine.USAGE);
        assertThat(badStatus.err()).contains("status must be one of");

        Run badSince = run("reprocess", "--status", "dead", "--since", "last tuesday");
        assertThat(badSince.exitCode()).isEqualTo(PaybridgeCommandLine.USAGE);
        assertThat(badSince.err()).contains("since");

        Run unknownOption = run("reprocess", "--stauts", "dead");
        assertThat(unknownOption.exitCode()).isEqualTo(PaybridgeCommandLine.USAGE);
        assertThat(unknownOption.err()).contains("Unknown options: '--stauts'");
    }

    @Test
    void backfillRefusesMissingOrUnreadableTimes() {
        Run noSince = run("backfill", "--account", "default");
        assertThat(noSince.exitCode()).isEqualTo(PaybridgeCommandLine.USAGE);
        assertThat(noSince.err()).contains("--since");

        Run badSince = run("backfill", "--since", "last tuesday");
        assertThat(badSince.exitCode()).isEqualTo(PaybridgeCommandLine.USAGE);
        assertThat(badSince.err()).contains("--since must be an ISO-8601 time");
    }

    @Test
    void helpListsTheCommands() {
        Run help = run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("reprocess").contains("backfill");
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = PaybridgeCommandLine.execute(new WithoutServices(), new PrintWriter(out, true),
                new PrintWriter(err, true), args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    /** Commands whose services are absent: any use of one fails the test. */
    private static final class WithoutServices implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == ReprocessCommand.class) {
                return type.cast(new ReprocessCommand(new EventAdminService(null, null, null, null)));
            }
            if (type == BackfillCommand.class) {
                return type.cast(new BackfillCommand(null, null));
            }
            return CommandLine.defaultFactory().create(type);
        }
    }
}
