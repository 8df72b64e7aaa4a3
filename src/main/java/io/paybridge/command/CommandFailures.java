package io.paybridge.command;

import java.io.PrintWriter;

import com.stripe.exception.StripeException;
import io.paybridge.admin.InvalidRequestException;
import io.paybridge.stripe.StripeErrors;
import picocli.CommandLine;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * What the commands' failures print and exit with, in one place instead of a try/catch per command:
 * arguments the operator can correct exit 2 ({@code <command>: <why>}), failures while running 1
 * ({@code <command> failed: <why>}). Stack traces are for bugs, not for operators.
 */
final class CommandFailures implements IExitCodeExceptionMapper, IExecutionExceptionHandler, IParameterExceptionHandler {

    private final IParameterExceptionHandler picocliDefault;

    CommandFailures(IParameterExceptionHandler picocliDefault) {
        this.picocliDefault = picocliDefault;
    }

    /** Installs itself on {@code commandLine}. */
    static void install(CommandLine commandLine) {
        CommandFailures failures = new CommandFailures(commandLine.getParameterExceptionHandler());
        commandLine.setExitCodeExceptionMapper(failures);
        commandLine.setExecutionExceptionHandler(failures);
        commandLine.setParameterExceptionHandler(failures);
    }

    /** Also picocli's own refusals (unknown options, a missing required one): its default handler asks here. */
    @Override
    public int getExitCode(Throwable failure) {
        return failure instanceof InvalidRequestException || failure instanceof ParameterException
                ? ExitCode.USAGE : ExitCode.SOFTWARE;
    }

    /** A refusal found while running (a filter, an account) or a failure of the database or Stripe. */
    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        String name = command.getCommandName();
        if (failure instanceof InvalidRequestException) {
            err.println(name + ": " + failure.getMessage());
        } else if (failure instanceof StripeException stripe) {
            err.println(name + " failed: " + StripeErrors.describe(stripe));
        } else {
            err.println(name + " failed: " + failure.getMessage());
        }
        return command.getExitCodeExceptionMapper().getExitCode(failure);
    }

    /** An option value our converters refused says only why; picocli's own refusals keep its usage help. */
    @Override
    public int handleParseException(ParameterException refused, String[] args) throws Exception {
        if (refused.getCause() instanceof ArgumentConverters.Refused why) {
            CommandLine command = refused.getCommandLine();
            command.getErr().println(command.getCommandName() + ": " + why.getMessage());
            return ExitCode.USAGE;
        }
        return picocliDefault.handleParseException(refused, args);
    }
}
