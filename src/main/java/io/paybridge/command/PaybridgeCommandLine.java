package io.paybridge.command;

import java.io.PrintWriter;

import io.quarkus.arc.Arc;
import io.quarkus.arc.InstanceHandle;
import jakarta.enterprise.context.ApplicationScoped;
import picocli.CommandLine;

/**
 * The picocli command line with commands created as CDI beans, so that they get the application's
 * services injected.
 */
@ApplicationScoped
public class PaybridgeCommandLine {

    /** Exit code of a command given arguments it cannot use (picocli's convention). */
    public static final int USAGE = CommandLine.ExitCode.USAGE;
    /** Exit code of a command that failed while running. */
    public static final int FAILED = CommandLine.ExitCode.SOFTWARE;

    public int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    public int execute(PrintWriter out, PrintWriter err, String... args) {
        return execute(new BeanFactory(), out, err, args);
    }

    /** The command line with commands from {@code factory}: CDI beans here, plain objects in unit tests. */
    static int execute(CommandLine.IFactory factory, PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(PaybridgeCommand.class, factory);
        commandLine.setOut(out);
        commandLine.setErr(err);
        CommandFailures.install(commandLine);
        return commandLine.execute(args);
    }

    private static final class BeanFactory implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            InstanceHandle<K> bean = Arc.container().instance(type);
            return bean.isAvailable() ? bean.get() : CommandLine.defaultFactory().create(type);
        }
    }
}
