package io.paybridge.command;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.paybridge.admin.EventFilter;
import io.paybridge.event.EventStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;
import picocli.CommandLine.Option;

/**
 * The admin API's event filter as options ({@code reprocess} mixes them in): typed by the converters
 * as the operator types them, checked as a whole by {@link EventFilter#of}.
 */
@RegisterForReflection
public class EventFilterOptions {

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

    EventFilter toFilter() {
        return EventFilter.of(account, ids, status, type, since, until);
    }
}
