package io.paybridge.command;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.paybridge.admin.EventAdminService;
import io.paybridge.admin.EventFilter;
import io.paybridge.admin.ReplayResult;
import io.paybridge.event.EventStatus;
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

    @Option(names = "--status", converter = ArgumentConverters.Status.class,
            description = "pending, retrying, delivered, skipped or dead.")
    EventStatus status;

    @Option(names = "--type", description = "Event type or glob, such as invoice.*")
    String type;

    @Option(names = "--since", converter = ArgumentConverters.FilterSince.class,
            description = "Events created at or after: 2026-11-20T08:00:00Z, 2026-11-20 or an age such as 72h.")
    Instant since;

    @Option(names = "--until", converter = ArgumentConverters.FilterUntil.class,
            description = "Events created before, in the same forms.")
    Instant until;

    @Option(names = "--dry-run", description = "Count the matching events; change nothing.")
    boolean dryRun;

    private final EventAdminService service;

    public ReprocessCommand(EventAdminService service) {
        this.service = service;
    }

    /** Refusals and failures are printed, with their exit codes, by {@link CommandFailures}. */
    @Override
    public Integer call() {
        EventFilter filter = EventFilter.of(account, ids, status, type, since, until);
        ReplayResult result = service.replay(filter, dryRun).await().atMost(Duration.ofMinutes(10));
        spec.commandLine().getOut().printf("matched=%d replayed=%d%n", result.matched(), result.replayed());
        return 0;
    }
}
