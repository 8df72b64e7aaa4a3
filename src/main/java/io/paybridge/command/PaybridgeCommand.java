package io.paybridge.command;

import io.quarkus.runtime.annotations.RegisterForReflection;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The top of the command line: {@code paybridge <command>}; no command at all serves. */
@Command(name = "paybridge",
        description = "Without a command, serves Stripe webhooks and delivers them to Salesforce.",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        subcommands = {ReprocessCommand.class, BackfillCommand.class, HelpCommand.class})
@RegisterForReflection
public class PaybridgeCommand {
}
