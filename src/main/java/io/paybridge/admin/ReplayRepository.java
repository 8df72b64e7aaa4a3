package io.paybridge.admin;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Replays of stored events, in SQL: a replay locks, checks the lease and resets in one statement
 * per batch, which the entity model would spread over a read and a write per event. Its dry run
 * counts with the same conditions, so that it names exactly the events the replay would match.
 *
 * <p>A replay goes through the matching events in batches of {@link #BATCH}, in key order, each
 * batch its own transaction. One statement for a month-end replay of 500,000 events held every row
 * locked for over a minute, competing with the replicas' claims and settles, and delivery could not
 * start until it committed; in batches, delivery starts with the first one. The price: a replay is
 * no longer all or nothing. One that fails part way says so, and running it again is safe, since a
 * replay only ever puts events back to {@code pending}.
 */
@ApplicationScoped
public class ReplayRepository {

    /** Events reset per statement: about a tenth of a second of work for the database. */
    static final int BATCH = 5_000;

    /**
     * Back to pending with a clean slate, except events a replica is pushing right now: their push
     * settles them, and replaying them under it would be overwritten anyway. Rows are locked in key
     * order, the order in which delivery's settle locks them, so that the two never deadlock.
     */
    // Hand-written: one statement matches a batch, locks and resets it, skipping leased events, counts
    // both and names the last key for the next batch.
    private static final String REPLAY_BATCH = """
            WITH matched AS (
                SELECT account, event_id, lease_expires_at FROM stripe_event
                 WHERE %s
                 ORDER BY account, event_id
                 LIMIT %d
                   FOR UPDATE),
            replayed AS (
                UPDATE stripe_event e
                   SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL,
                       lease_owner = NULL, lease_expires_at = NULL, done_at = NULL, updated_at = now()
                  FROM matched m
                 WHERE e.account = m.account AND e.event_id = m.event_id
                   AND (m.lease_expires_at IS NULL OR m.lease_expires_at < now())
                RETURNING 1)
            SELECT (SELECT count(*) FROM matched) AS matched, (SELECT count(*) FROM replayed) AS replayed,
                   last.account AS last_account, last.event_id AS last_event_id
              FROM (SELECT account, event_id FROM matched ORDER BY account DESC, event_id DESC LIMIT 1) last
            """;

    // Hand-written: the dry run's count uses the replay's own conditions, so both match the same events.
    private static final String COUNT = "SELECT count(*) AS matched FROM stripe_event WHERE %s";

    public Uni<Long> count(SqlClient client, EventFilter filter) {
        Where where = Where.of(filter);
        return client.preparedQuery(COUNT.formatted(where.sql()))
                .execute(where.parameters())
                .map(rows -> rows.iterator().next().getLong("matched"));
    }

    /** Every batch of the replay in turn, each committed on its own. */
    public Uni<ReplayResult> replay(SqlClient client, EventFilter filter) {
        return replayAfter(client, filter, Batch.NOTHING, new ReplayResult(0, 0));
    }

    private Uni<ReplayResult> replayAfter(SqlClient client, EventFilter filter, Batch previous, ReplayResult sofar) {
        return replayBatch(client, filter, previous)
                .chain(batch -> {
                    ReplayResult total = new ReplayResult(sofar.matched() + batch.matched(),
                            sofar.replayed() + batch.replayed());
                    return batch.last()
                            ? Uni.createFrom().item(total)
                            : replayAfter(client, filter, batch, total);
                });
    }

    private Uni<Batch> replayBatch(SqlClient client, EventFilter filter, Batch previous) {
        Where where = Where.of(filter);
        if (previous.lastEventId() != null) {
            where.add("(account, event_id) > (?, ?)", previous.lastAccount(), previous.lastEventId());
        }
        return client.preparedQuery(REPLAY_BATCH.formatted(where.sql(), BATCH))
                .execute(where.parameters())
                .map(ReplayRepository::batch);
    }

    private static Batch batch(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Batch.NOTHING;
        }
        Row row = rows.iterator().next();
        return new Batch(row.getLong("matched"), row.getLong("replayed"), row.getString("last_account"),
                row.getString("last_event_id"));
    }

    /** One batch's counts and the key the next batch starts after. */
    private record Batch(long matched, long replayed, String lastAccount, String lastEventId) {
        static final Batch NOTHING = new Batch(0, 0, null, null);

        boolean last() {
            return matched < BATCH;
        }
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
