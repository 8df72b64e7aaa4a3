package io.paybridge.command;

import io.paybridge.app.CommandModeConfig;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * One executable for both jobs: without arguments it serves (webhooks, delivery, management);
 * with a command ({@code reprocess}, {@code backfill}) it runs that command and exits with its code.
 */
@QuarkusMain
public class PaybridgeMain implements QuarkusApplication {

    private final PaybridgeCommandLine commandLine;

    public PaybridgeMain(PaybridgeCommandLine commandLine) {
        this.commandLine = commandLine;
    }

    /** The executable's entry point (jar and native): a command's configuration is settled before Quarkus reads any. */
    public static void main(String... args) {
        CommandModeConfig.commandLine(args);
        Quarkus.run(PaybridgeMain.class, args);
    }

    @Override
    public int run(String... args) {
        if (args.length == 0) {
            Quarkus.waitForExit();
            return 0;
        }
        return commandLine.execute(args);
    }
}
