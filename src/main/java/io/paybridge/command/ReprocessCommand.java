package io.paybridge.command;

import java.time.Duration;
import java.util.concurrent.Callable;

import io.paybridge.admin.EventAdminService;
import io.paybridge.admin.ReplayResult;
import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.Dependent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reprocess}: the admin API's replay from a shell or a Kubernetes Job. The serving replicas
 * deliver what it puts back to pending.
 */
@Command(name = "reprocess", mixinStandardHelpOptions = true,
        description = "Puts matching events back to pending with attempts reset; the running service "
                + "delivers them under the ordering rule. Prints matched=N replayed=M.")
@Dependent
@Unremovable
@RegisterForReflection
public class ReprocessCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    EventFilterOptions filter;

    @Option(names = "--dry-run", description = "Count the matching events; change nothing.")
    boolean dryRun;

    private final EventAdminService service;

    public ReprocessCommand(EventAdminService service) {
        this.service = service;
    }

    /** Refusals and failures are printed, with their exit codes, by {@link CommandFailures}. */
    @Override
    public Integer call() {
        ReplayResult result = service.replay(filter.toFilter(), dryRun).await().atMost(Duration.ofMinutes(10));
        spec.commandLine().getOut().printf("matched=%d replayed=%d%n", result.matched(), result.replayed());
        return 0;
    }
}
