package io.paybridge.admin;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import io.paybridge.event.StripeEvent;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The operators' reads and replays of stored events. Conditions are added only for the filters
 * given, so that each query can use the index its filters fit.
 */
@ApplicationScoped
public class EventAdminRepository {

    private static final String SUMMARY_COLUMNS =
            "account, event_id, type, status, attempts, created, received_at, last_error";

    private static final String RECORD_IDS = """
            SELECT sobject, external_id, salesforce_id FROM salesforce_record
             WHERE (sobject, external_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
            """;

    /**
     * Back to pending with a clean slate, except events a replica is pushing right now: their push
     * settles them, and replaying them under it would be overwritten anyway.
     */
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

    private static final String COUNT = "SELECT count(*) AS matched FROM stripe_event WHERE %s";

    private final Pool pool;

    public EventAdminRepository(Pool pool) {
        this.pool = pool;
    }

    /** Newest first; {@code limit + 1} rows are read to know whether a next page exists. */
    public Uni<EventPage> list(EventFilter filter, Optional<Cursor> after, int limit) {
        Where where = Where.of(filter);
        after.ifPresent(cursor -> where.add("(created, account, event_id) < (?, ?, ?)",
                cursor.created().atOffset(ZoneOffset.UTC), cursor.account(), cursor.eventId()));
        String sql = "SELECT " + SUMMARY_COLUMNS + " FROM stripe_event WHERE " + where.sql()
                + " ORDER BY created DESC, account DESC, event_id DESC LIMIT " + (limit + 1);
        return pool.preparedQuery(sql)
                .execute(where.parameters())
                .map(rows -> page(rows, limit));
    }

    /** One event, through the entity: a read by primary key, where Panache is as fast and reads better. */
    @WithSession
    public Uni<Optional<StoredEvent>> find(String account, String eventId) {
        return StripeEvent.findByKey(account, eventId)
                .map(event -> Optional.ofNullable(event).map(EventAdminRepository::storedEvent));
    }

    /** Salesforce ids Paybridge holds for the given records, keyed by {@code sobject + '/' + externalId}. */
    public Uni<Map<String, String>> salesforceIds(List<String> sobjects, List<String> externalIds) {
        if (sobjects.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery(RECORD_IDS)
                .execute(Tuple.of(sobjects.toArray(String[]::new), externalIds.toArray(String[]::new)))
                .map(EventAdminRepository::salesforceIds);
    }

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

    private static EventPage page(RowSet<Row> rows, int limit) {
        List<EventSummary> events = new ArrayList<>(limit);
        boolean more = false;
        for (Row row : rows) {
            if (events.size() == limit) {
                more = true;
                break;
            }
            events.add(summary(row));
        }
        String next = more ? Cursor.of(events.get(events.size() - 1)).encode() : null;
        return new EventPage(events, next);
    }

    private static EventSummary summary(Row row) {
        return new EventSummary(
                row.getString("account"),
                row.getString("event_id"),
                row.getString("type"),
                row.getString("status"),
                row.getInteger("attempts"),
                instant(row, "created"),
                instant(row, "received_at"),
                row.getString("last_error"));
    }

    private static StoredEvent storedEvent(StripeEvent event) {
        EventSummary summary = new EventSummary(event.account, event.eventId, event.type, event.status.value(),
                event.attempts, event.created, event.receivedAt, event.lastError);
        return new StoredEvent(summary, event.objectId, event.objectType, event.nextAttemptAt, event.payload,
                event.thin, event.connectAccount, event.fetched);
    }

    private static Map<String, String> salesforceIds(RowSet<Row> rows) {
        return StreamSupport.stream(rows.spliterator(), false)
                .filter(row -> row.getString("salesforce_id") != null)
                .collect(Collectors.toMap(
                        row -> row.getString("sobject") + "/" + row.getString("external_id"),
                        row -> row.getString("salesforce_id")));
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    /**
     * A stored event with what the detail view needs beyond the listing.
     *
     * @param thin    a thin event, whose object delivery fetches
     * @param context its connected account, if any
     * @param fetched a thin event's object as fetched at its last attempt, or null
     */
    public record StoredEvent(EventSummary summary, String objectId, String objectType, Instant nextAttemptAt,
            byte[] payload, boolean thin, String context, byte[] fetched) {
    }

    /**
     * Where the previous page ended: opaque to callers, so that the listing's order can change
     * without breaking their loops.
     */
    public record Cursor(Instant created, String account, String eventId) {

        static Cursor of(EventSummary last) {
            return new Cursor(last.created(), last.account(), last.id());
        }

        String encode() {
            String text = created.getEpochSecond() + "." + created.getNano() + "\n" + account + "\n" + eventId;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * @throws InvalidRequestException when the text is not a cursor this API handed out
         */
        public static Cursor decode(String text) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\n", -1);
                String[] time = parts[0].split("\\.");
                if (parts.length != 3 || time.length != 2) {
                    throw new IllegalArgumentException();
                }
                return new Cursor(Instant.ofEpochSecond(Long.parseLong(time[0]), Long.parseLong(time[1])), parts[1], parts[2]);
            } catch (RuntimeException e) {
                throw new InvalidRequestException("after must be the 'next' value of a previous page");
            }
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
