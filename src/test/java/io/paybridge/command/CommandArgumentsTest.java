package io.paybridge.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.paybridge.accounts.Accounts;
import io.paybridge.accounts.AccountsConfig;
import io.paybridge.admin.EventAdminService;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What the commands say about arguments they cannot use, before they touch the database or Stripe.
 * Plain picocli over commands without services (and one configured account without a key): a
 * refusal that reached a service would fail here with a NullPointerException instead of exit code 2. {@link CommandsTest} runs what needs the
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
        assertThat(badStatus.err()).isEqualTo("reprocess: status must be one of pending, retrying, delivered, skipped, dead;"
                + " got 'broken'" + System.lineSeparator());

        Run badSince = run("reprocess", "--status", "dead", "--since", "last tuesday");
        assertThat(badSince.exitCode()).as(badSince.err()).isEqualTo(PaybridgeCommandLine.USAGE);
        assertThat(badSince.err()).startsWith("reprocess: since must be an ISO-8601 time");

        Run badType = run("reprocess", "--type", "Invoice.Paid");
        assertThat(badType.exitCode()).isEqualTo(PaybridgeCommandLine.USAGE);
        assertThat(badType.err()).startsWith("reprocess: type must be an event type or a glob");

        Run backwards = run("reprocess", "--since", "2026-01-02", "--until", "2026-01-01");
        assertThat(backwards.exitCode()).as(backwards.err()).isEqualTo(PaybridgeCommandLine.USAGE);
        assertThat(backwards.err()).startsWith("reprocess: since must be before until");

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
        assertThat(badSince.exitCode()).as(badSince.err()).isEqualTo(PaybridgeCommandLine.USAGE);
        assertThat(badSince.err()).startsWith("backfill: --since must be an ISO-8601 time");
    }

    @Test
    void backfillRefusesAccountsItCannotUse() {
        Run unknown = run("backfill", "--account", "nobody", "--since", "1h");
        assertThat(unknown.exitCode()).isEqualTo(PaybridgeCommandLine.USAGE);
        assertThat(unknown.err()).startsWith("backfill: unknown account 'nobody'");

        Run noKey = run("backfill", "--account", "nokey", "--since", "1h");
        assertThat(noKey.exitCode()).isEqualTo(PaybridgeCommandLine.USAGE);
        assertThat(noKey.err()).contains("paybridge.accounts.nokey.api-key");
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

    /** {@code nokey} has webhook secrets and no API key. */
    private static final Accounts ACCOUNTS = new Accounts(() -> Map.of("nokey", new AccountsConfig.Account() {
        @Override
        public Optional<List<String>> webhookSecrets() {
            return Optional.of(List.of("whsec_nokey_only"));
        }

        @Override
        public Optional<String> apiKey() {
            return Optional.empty();
        }
    }));

    /** Commands whose services are absent: any use of one fails the test. */
    private static final class WithoutServices implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == ReprocessCommand.class) {
                return type.cast(new ReprocessCommand(new EventAdminService(null, null, null, null, null)));
            }
            if (type == BackfillCommand.class) {
                return type.cast(new BackfillCommand(ACCOUNTS, null));
            }
            return CommandLine.defaultFactory().create(type);
        }
    }
}
