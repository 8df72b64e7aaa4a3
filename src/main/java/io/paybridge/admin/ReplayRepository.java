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
 * <p>A replay goes through the matching events in batches of at most about {@link #BATCH}, each batch its
 * own transaction. One statement for a month-end replay of 500,000 events held every row locked for
 * over a minute, competing with the replicas' claims and settles, and delivery could not start until
 * it committed; in batches, delivery starts with the first one. The price: a replay is no longer all
 * or nothing. One that fails part way says so, and running it again is safe, since a replay only
 * ever puts events back to {@code pending}.
 *
 * <p>Batches go group by group (an object's group is the payment intent it belongs to, or the object
 * itself: V17__claim_by_payment.sql), each with all the matching events of its groups, and then
 * through the events without an object in key order. A batch is what delivery finds due at once, and
 * delivery collapses the events of one record into one push when a claim holds them together. In
 * key order (event ids are random) a batch held one event of most of its objects and their other
 * events came due batches later: on a 500,000-event story replay each claim locked 2.6 times the
 * events it took, since its bound in objects left most of what it had locked (2026-12-01). Object by
 * object, in id order, every charge came due before the payment intent whose Salesforce record it
 * writes, and a story replay pushed each record 1.29-1.44 times (2026-12-03).
 *
 * <p>The first batch is small and each next one is {@link #GROWTH} times the last, up to {@link #BATCH}:
 * delivery cannot take a batch before its commit. With one batch size of 5,000, a replay of 10,000
 * events spent about a tenth of its whole drain waiting for the first commit, and the replicas then
 * waited on the last half; with 1,000 throughout (aec0804) they followed closely, but a replay of
 * 500,000 events took 500 statements, answered after 62-124 s and cost PostgreSQL 151 us an event
 * against 90 for a drain of the same events as they arrived. Growing from 100 to 5,000, delivery starts
 * after the first hundred and the statements that follow stay ahead of it (56c2e51, 2026-12-02: a
 * 500,000-event replay answered after 30-33 s with one replica delivering beside it, docs/benchmarks.md).
 * Up to 2,500 rather than 5,000: a batch of 5,000 took about 200 ms while delivery, done with the
 * batches before it, waited for its commit, and a replay of 10,000 events drained at 9,259-10,638
 * events/s against 9,615-11,111 with 2,500, in 1.60 calls per 1,000 events instead of 1.70 (two story
 * runs of each, taken in turns, 2026-12-07); a replay of 500,000 answered after 26-33 s either way.
 *
 * <p>Fourfold rather than doubling: a turn that takes one small batch alone claims less than its bound,
 * so nothing holds back its partial calls (delivery's CallBatches), and early batches hold few records
 * (a story replay's first 100 events write 7 payments, its first 400 about 35: a payment intent's
 * events come together). Doubling, a 10,000-event story replay's first turns went out in four to six
 * calls of 7-124 records and made 1.80-2.10 calls per 1,000 events; fourfold (100, 400, 1,600, 5,000)
 * made 1.70 in three trials of three, as fast (8,333-10,417 events/s against 8,929-10,000), and 1.70 in
 * 16 of 22 replays after (1.90-2.30 in the rest), 2026-12-06. Starting at 400 instead did not help
 * (2.00-2.10): the first turn still took a few dozen records alone.
 */
@ApplicationScoped
public class ReplayRepository {

    /** Most groups' events reset per statement: where the growth stops. */
    static final int BATCH = 2_500;

    /** The first statement's batch: what delivery can start on while the next ones run. */
    static final int FIRST_BATCH = 100;

    /** How many times the last batch the next one is, until {@link #BATCH}. */
    static final int GROWTH = 4;

    /**
     * Back to pending with a clean slate, except events a replica is pushing right now: their push
     * settles them, and replaying them under it would be overwritten anyway. Rows are locked in key
     * order, the order in which delivery's settle locks them, so that the two never deadlock.
     */
    private static final String RESET = """
            UPDATE stripe_event e
               SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL,
                   lease_owner = NULL, lease_expires_at = NULL, done_at = NULL, updated_at = now()
              FROM matched m
             WHERE e.account = m.account AND e.event_id = m.event_id
               AND (m.lease_expires_at IS NULL OR m.lease_expires_at < now())
            RETURNING 1""";

    // Hand-written: one statement reaches the next BATCH events in group order, adds the matching
    // events of the last group reached that the limit cut off (so the next batch starts after it),
    // locks them all in key order and resets them, skipping leased events, counts, and names the
    // last group for the next batch. No step joins the table to a list it scans again per row, or
    // reads the table to find a batch's rows, whatever the statistics say: the events are locked one
    // by one through the primary key in key order (a lateral lookup with its own lock is planned as
    // just that), and the last group's are looked up in the group index alone (the fence keeps the
    // filter from steering the lookup onto another index).
    //
    // What this replaces: asked for "the events of the objects reached", PostgreSQL planned, with
    // statistics from before the account's events arrived (a bulk load autovacuum had not analysed
    // yet), a nested loop that compared each of the account's 19,501 events with the 4,359 objects
    // reached: one batch took 13.4 s, and a replay of 10,000 events drained at a fifth of its usual
    // rate (2026-12-01). Asked for "every event up to the last object reached", it read the
    // account's events in key order and filtered them, all of them for every batch (a replay of
    // 500,000 events took two minutes to commit).
    //
    // The filter is not checked again once a row is locked: what a concurrent settle changes under
    // it is its status, and a replay of an event that was just delivered only pushes it once more.
    private static final String REPLAY_OBJECTS = """
            WITH reach AS (
                SELECT account AS reach_account, coalesce(payment_intent_id, object_id) AS reach_group,
                       event_id AS reach_event_id
                  FROM stripe_event
                 WHERE %1$s AND object_id IS NOT NULL
                 ORDER BY account, coalesce(payment_intent_id, object_id)
                 LIMIT %2$d),
            edge AS (
                SELECT reach_account, reach_group FROM reach
                 ORDER BY reach_account DESC, reach_group DESC
                 LIMIT 1),
            rest_of_edge AS (
                SELECT account, event_id FROM (
                    SELECT * FROM stripe_event
                     WHERE account = (SELECT reach_account FROM edge)
                       AND coalesce(payment_intent_id, object_id) = (SELECT reach_group FROM edge)
                    OFFSET 0) edge_events
                 WHERE %1$s),
            matched AS (
                SELECT locked.account, locked.event_id, locked.lease_expires_at
                  FROM (SELECT reach_account AS key_account, reach_event_id AS key_event_id FROM reach
                         UNION
                        SELECT account, event_id FROM rest_of_edge
                         ORDER BY 1, 2) k
                 CROSS JOIN LATERAL (
                       SELECT account, event_id, lease_expires_at FROM stripe_event
                        WHERE account = k.key_account AND event_id = k.key_event_id
                          FOR UPDATE) locked),
            replayed AS (%3$s)
            SELECT (SELECT count(*) FROM reach) AS reached, (SELECT count(*) FROM matched) AS matched,
                   (SELECT count(*) FROM replayed) AS replayed,
                   edge.reach_account AS last_account, edge.reach_group AS last_key
              FROM edge
            """;

    // Hand-written: the events without an object, BATCH at a time in key order.
    private static final String REPLAY_WITHOUT_OBJECT = """
            WITH matched AS (
                SELECT account, event_id, lease_expires_at FROM stripe_event
                 WHERE %1$s AND object_id IS NULL
                 ORDER BY account, event_id
                 LIMIT %2$d
                   FOR UPDATE),
            replayed AS (%3$s)
            SELECT (SELECT count(*) FROM matched) AS reached, (SELECT count(*) FROM matched) AS matched,
                   (SELECT count(*) FROM replayed) AS replayed,
                   last.account AS last_account, last.event_id AS last_key
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
        return replayFrom(client, filter, Position.START, new ReplayResult(0, 0), FIRST_BATCH);
    }

    private Uni<ReplayResult> replayFrom(SqlClient client, EventFilter filter, Position from, ReplayResult sofar,
            int limit) {
        return replayBatch(client, filter, from, limit)
                .chain(batch -> {
                    ReplayResult total = new ReplayResult(sofar.matched() + batch.matched(),
                            sofar.replayed() + batch.replayed());
                    Position next = from.after(batch, limit);
                    return next == null
                            ? Uni.createFrom().item(total)
                            : replayFrom(client, filter, next, total, nextLimit(limit));
                });
    }

    /** {@link #GROWTH} times the last batch, up to {@link #BATCH}. */
    static int nextLimit(int limit) {
        return Math.min(BATCH, limit * GROWTH);
    }

    private Uni<Batch> replayBatch(SqlClient client, EventFilter filter, Position from, int limit) {
        Where where = Where.of(filter);
        if (from.stage() == Stage.OBJECTS) {
            if (from.lastKey() != null) {
                where.add("(account, coalesce(payment_intent_id, object_id)) > (?, ?)", from.lastAccount(),
                        from.lastKey());
            }
            return execute(client, where, objectsBatch(where.sql(), limit));
        } else {
            if (from.lastKey() != null) {
                where.add("(account, event_id) > (?, ?)", from.lastAccount(), from.lastKey());
            }
            return execute(client, where, REPLAY_WITHOUT_OBJECT.formatted(where.sql(), limit, RESET));
        }
    }

    /** One batch of the objects' pass: the statement, for conditions {@code where} in numbered parameters. */
    static String objectsBatch(String where, int limit) {
        return REPLAY_OBJECTS.formatted(where, limit, RESET);
    }

    private static Uni<Batch> execute(SqlClient client, Where where, String statement) {
        return client.preparedQuery(statement)
                .execute(where.parameters())
                .map(ReplayRepository::batch);
    }

    private static Batch batch(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Batch.NOTHING;
        }
        Row row = rows.iterator().next();
        return new Batch(row.getLong("reached"), row.getLong("matched"), row.getLong("replayed"),
                row.getString("last_account"), row.getString("last_key"));
    }

    /** The two passes of a replay: events of objects, group by group; then events without one. */
    private enum Stage {
        OBJECTS, WITHOUT_OBJECT
    }

    /** Where a replay has got to: its pass, and the last group (or event) of the pass done so far. */
    private record Position(Stage stage, String lastAccount, String lastKey) {
        static final Position START = new Position(Stage.OBJECTS, null, null);

        /** Where the next batch starts, after one of at most {@code limit}; null when the replay is over. */
        Position after(Batch batch, int limit) {
            if (batch.reached() >= limit) {
                return new Position(stage, batch.lastAccount(), batch.lastKey());
            }
            return stage == Stage.OBJECTS ? new Position(Stage.WITHOUT_OBJECT, null, null) : null;
        }
    }

    /** One batch's counts and its last group or event. */
    private record Batch(long reached, long matched, long replayed, String lastAccount, String lastKey) {
        static final Batch NOTHING = new Batch(0, 0, 0, null, null);
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
