package io.paybridge.admin;

import java.time.Instant;
import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The body of {@code POST /admin/replay}: the filters of the listing, at least one of them. */
@RegisterForReflection
public record ReplayRequest(
        String account,
        List<String> ids,
        String status,
        String type,
        String since,
        String until,
        Boolean dryRun) {

    EventFilter filter(Instant now) {
        return EventFilter.parse(account, ids, status, type, since, until, now);
    }

    boolean isDryRun() {
        return Boolean.TRUE.equals(dryRun);
    }
}
