package io.paybridge.admin;

import java.time.Instant;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Events by status over time, for the operator console's chart ({@code GET /admin/stats}). */
@ApplicationScoped
public class EventStatsService {

    private final EventStatsRepository repository;

    public EventStatsService(EventStatsRepository repository) {
        this.repository = repository;
    }

    /**
     * @throws InvalidRequestException (as the Uni's failure) when a parameter cannot be used
     */
    public Uni<EventStats> stats(String account, String since, String until, String bucket) {
        return Uni.createFrom().deferred(() -> repository.stats(StatsRequest.parse(account, since, until, bucket, now())));
    }

    Instant now() {
        return Instant.now();
    }
}
