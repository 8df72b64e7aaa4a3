package io.paybridge.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.paybridge.admin.EventAdminService;
import io.paybridge.admin.EventFilter;
import io.paybridge.admin.InvalidRequestException;
import io.paybridge.admin.ReplayResult;
import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.Dependent;
import picocli.CommandLine.Command;
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

    @Option(names = "--account", description = "Paybridge account name.")
    String account;

    @Option(names = "--id", description = "Stripe event id; repeat for several.")
    List<String> ids = new ArrayList<>();

    @Option(names = "--status", description = "pending, retrying, delivered, skipped or dead.")
    String status;

    @Option(names = "--type", description = "Event type or glob, such as invoice.*")
    String type;

    @Option(names = "--since", description = "Events created at or after: 2026-11-20T08:00:00Z, 2026-11-20 or an age such as 72h.")
    String since;

    @Option(names = "--until", description = "Events created before, in the same forms.")
    String until;

    @Option(names = "--dry-run", description = "Count the matching events; change nothing.")
    boolean dryRun;

    private final EventAdminService service;

    public ReprocessCommand(EventAdminService service) {
        this.service = service;
    }

    @Override
    public Integer call() {
        try {
            EventFilter filter = EventFilter.parse(account, ids, status, type, since, until, service.now());
            ReplayResult result = service.replay(filter, dryRun).await().atMost(Duration.ofMinutes(10));
            spec.commandLine().getOut().printf("matched=%d replayed=%d%n", result.matched(), result.replayed());
            return 0;
        } catch (InvalidRequestException invalid) {
            spec.commandLine().getErr().println("reprocess: " + invalid.getMessage());
            return PaybridgeCommandLine.USAGE;
        } catch (RuntimeException failure) {
            spec.commandLine().getErr().println("reprocess failed: " + failure.getMessage());
            return PaybridgeCommandLine.FAILED;
        }
    }
}
