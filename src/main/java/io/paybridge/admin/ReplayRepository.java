package io.paybridge.admin;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Replays of stored events, in SQL: a replay locks, checks the lease and resets in one statement,
 * which the entity model would spread over a read and a write per event. Its dry run counts with
 * the same conditions, so that it names exactly the events the replay would match.
 */
@ApplicationScoped
public class ReplayRepository {

    /**
     * Back to pending with a clean slate, except events a replica is pushing right now: their push
     * settles them, and replaying them under it would be overwritten anyway.
     */
    // Hand-written: one statement matches, locks and resets, skipping leased events, and counts both.
    private static final String REPLAY = """
            WITH matched AS (
                SELECT account, event_id, lease_expires_at FROM stripe_event WHERE %s FOR UPDATE),
            replayed AS (
                UPDATE stripe_event e
                   SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL,
                       lease_owner = NULL, lease_expires_at = NULL, done_at = NULL, updated_at = now()
                  FROM matched m
                 WHERE e.account = m.account AND e.event_id = m.event_id
                   AND (m.lease_expires_at IS NULL OR m.lease_expires_at < now())
                RETURNING 1)
            SELECT (SELECT count(*) FROM matched) AS matched, (SELECT count(*) FROM replayed) AS replayed
            """;

    // Hand-written: the dry run's count uses the replay's own conditions, so both match the same events.
    private static final String COUNT = "SELECT count(*) AS matched FROM stripe_event WHERE %s";

    public Uni<Long> count(SqlClient client, EventFilter filter) {
        Where where = Where.of(filter);
        return client.preparedQuery(COUNT.formatted(where.sql()))
                .execute(where.parameters())
                .map(rows -> rows.iterator().next().getLong("matched"));
    }

    public Uni<ReplayResult> replay(SqlClient client, EventFilter filter) {
        Where where = Where.of(filter);
        return client.preparedQuery(REPLAY.formatted(where.sql()))
                .execute(where.parameters())
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new ReplayResult(row.getLong("matched"), row.getLong("replayed"));
                });
    }

    /** The conditions of a filter as SQL with numbered parameters. */
    private static final class Where {
        private final List<String> conditions = new ArrayList<>();
        private final Tuple parameters = Tuple.tuple();

        static Where of(EventFilter filter) {
            Where where = new Where();
            filter.account().ifPresent(account -> where.add("account = ?", account));
            if (!filter.ids().isEmpty()) {
                where.add("event_id = ANY(?)", (Object) filter.ids().toArray(String[]::new));
            }
            filter.status().ifPresent(status -> where.add("status = ?", status.value()));
            filter.typeLikePattern().ifPresent(pattern -> where.add("type LIKE ?", pattern));
            filter.since().ifPresent(since -> where.add("created >= ?", since.atOffset(ZoneOffset.UTC)));
            filter.until().ifPresent(until -> where.add("created < ?", until.atOffset(ZoneOffset.UTC)));
            return where;
        }

        void add(String condition, Object... values) {
            StringBuilder numbered = new StringBuilder();
            int next = 0;
            for (char c : condition.toCharArray()) {
                if (c == '?') {
                    parameters.addValue(values[next++]);
                    numbered.append('$').append(parameters.size());
                } else {
                    numbered.append(c);
                }
            }
            conditions.add(numbered.toString());
        }

        String sql() {
            return conditions.isEmpty() ? "true" : String.join(" AND ", conditions);
        }

        Tuple parameters() {
            return parameters;
        }
    }
}
