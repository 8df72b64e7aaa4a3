package io.paybridge.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.paybridge.delivery.ClaimedEvent.EventRef;
import io.paybridge.delivery.DeliveryPlan.PlannedRecord;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The delivery pipeline's SQL. Each method is one short statement or transaction; none of them
 * is ever open while Salesforce is called.
 */
@ApplicationScoped
public class DeliveryRepository {

    /**
     * Due events, oldest due first, leased to one replica. SKIP LOCKED lets replicas claim side by
     * side; the lease brings a dead replica's claims back.
     */
    private static final String CLAIM = """
            WITH due AS (
                SELECT account, event_id FROM stripe_event
                WHERE status IN ('pending', 'retrying')
                  AND next_attempt_at <= now()
                  AND (lease_expires_at IS NULL OR lease_expires_at < now())
                ORDER BY next_attempt_at, object_id
                LIMIT $1
                FOR UPDATE SKIP LOCKED)
            UPDATE stripe_event e
               SET lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3)
              FROM due
             WHERE e.account = due.account AND e.event_id = due.event_id
            RETURNING e.account, e.event_id, e.type, e.created, e.received_at, e.object_type, e.object_status,
                      e.status, e.attempts, e.payload
            """;

    /**
     * Takes the records for this replica unless another holds them. Keys arrive sorted, so two
     * replicas lock overlapping records in the same order and cannot deadlock.
     */
    private static final String LEASE_RECORDS = """
            INSERT INTO salesforce_record (sobject, external_id, lease_owner, lease_expires_at)
            SELECT k.sobject, k.external_id, $3, now() + make_interval(secs => $4)
              FROM unnest($1::text[], $2::text[]) AS k(sobject, external_id)
            ON CONFLICT (sobject, external_id) DO UPDATE
               SET lease_owner = EXCLUDED.lease_owner, lease_expires_at = EXCLUDED.lease_expires_at
             WHERE salesforce_record.lease_owner IS NULL
                OR salesforce_record.lease_expires_at < now()
                OR salesforce_record.lease_owner = EXCLUDED.lease_owner
            RETURNING sobject, external_id, salesforce_id, route_watermarks, newest_created, newest_rank, newest_event_id
            """;

    private static final String RELEASE_RECORDS = """
            UPDATE salesforce_record SET lease_owner = NULL, lease_expires_at = NULL
             WHERE lease_owner = $1 AND (sobject, external_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))
            """;

    private static final String SAVE_RECORDS = """
            UPDATE salesforce_record r
               SET salesforce_id = coalesce(v.salesforce_id, r.salesforce_id),
                   route_watermarks = v.watermarks,
                   newest_created = v.newest_created, newest_rank = v.newest_rank, newest_event_id = v.newest_event_id,
                   updated_at = now()
              FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::bigint[], $6::int[], $7::text[])
                   AS v(sobject, external_id, salesforce_id, watermarks, newest_created, newest_rank, newest_event_id)
             WHERE r.sobject = v.sobject AND r.external_id = v.external_id AND r.lease_owner = $8
            """;

    private static final String LINK_EVENTS = """
            INSERT INTO event_record (account, event_id, sobject, external_id_field, external_id, salesforce_id)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
            ON CONFLICT (account, event_id, sobject, external_id)
            DO UPDATE SET salesforce_id = coalesce(EXCLUDED.salesforce_id, event_record.salesforce_id)
            """;

    /** Only rows this replica still holds: a replica that lost its lease must not overwrite a newer outcome. */
    private static final String SETTLE_EVENTS = """
            UPDATE stripe_event e
               SET status = v.status, attempts = v.attempts, next_attempt_at = v.next_attempt_at,
                   last_error = v.last_error, lease_owner = NULL, lease_expires_at = NULL,
                   done_at = CASE WHEN v.status IN ('delivered', 'skipped') THEN now() END, updated_at = now()
              FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::timestamptz[], $6::text[])
                   AS v(account, event_id, status, attempts, next_attempt_at, last_error)
             WHERE e.account = v.account AND e.event_id = v.event_id AND e.lease_owner = $7
            """;

    private final Pool pool;

    public DeliveryRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<ClaimedEvent>> claim(String owner, int limit, Duration lease) {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(limit, owner, (double) lease.toSeconds()))
                .map(DeliveryRepository::claimedEvents);
    }

    /** @return the state of the records now held by {@code owner}; absent keys are held elsewhere */
    public Uni<Map<RecordKey, RecordState>> leaseRecords(String owner, Collection<RecordKey> keys, Duration lease) {
        List<RecordKey> sorted = keys.stream().distinct().sorted().toList();
        if (sorted.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery(LEASE_RECORDS)
                .execute(Tuple.of(sobjects(sorted), externalIds(sorted), owner, (double) lease.toSeconds()))
                .map(DeliveryRepository::recordStates);
    }

    public Uni<Void> releaseRecords(String owner, Collection<RecordKey> keys) {
        List<RecordKey> sorted = keys.stream().distinct().sorted().toList();
        if (sorted.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(RELEASE_RECORDS)
                .execute(Tuple.of(owner, sobjects(sorted), externalIds(sorted)))
                .replaceWithVoid();
    }

    /**
     * Records the outcome of a claim in one transaction: the written records' new state and the
     * events' statuses, then lets go of every record held.
     */
    public Uni<Void> settle(String owner, List<SettledEvent> events, List<WrittenRecord> written,
            Collection<RecordKey> held) {
        return pool.withTransaction(connection -> saveRecords(connection, owner, written)
                        .chain(() -> linkEvents(connection, written))
                        .chain(() -> settleEvents(connection, owner, events)))
                .chain(() -> releaseRecords(owner, held));
    }

    private static Uni<Void> saveRecords(SqlConnection connection, String owner, List<WrittenRecord> written) {
        if (written.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int size = written.size();
        String[] sobjects = new String[size];
        String[] externalIds = new String[size];
        String[] salesforceIds = new String[size];
        JsonObject[] watermarks = new JsonObject[size];
        Long[] created = new Long[size];
        Integer[] ranks = new Integer[size];
        String[] eventIds = new String[size];
        for (int i = 0; i < size; i++) {
            WrittenRecord record = written.get(i);
            PlannedRecord planned = record.record();
            sobjects[i] = planned.key().sobject();
            externalIds[i] = planned.key().externalId();
            salesforceIds[i] = record.salesforceId();
            watermarks[i] = toJson(planned.watermarks());
            created[i] = planned.newest().created();
            ranks[i] = planned.newest().rank();
            eventIds[i] = planned.newest().eventId();
        }
        return connection.preparedQuery(SAVE_RECORDS)
                .execute(Tuple.from(List.of(sobjects, externalIds, salesforceIds, watermarks, created, ranks, eventIds, owner)))
                .replaceWithVoid();
    }

    private static Uni<Void> linkEvents(SqlConnection connection, List<WrittenRecord> written) {
        List<String[]> rows = new ArrayList<>();
        for (WrittenRecord record : written) {
            PlannedRecord planned = record.record();
            for (EventRef event : planned.contributors()) {
                rows.add(new String[] { event.account(), event.eventId(), planned.key().sobject(),
                        planned.externalIdField(), planned.key().externalId(), record.salesforceId() });
            }
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Object> columns = new ArrayList<>();
        for (int column = 0; column < 6; column++) {
            String[] values = new String[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                values[i] = rows.get(i)[column];
            }
            columns.add(values);
        }
        return connection.preparedQuery(LINK_EVENTS).execute(Tuple.from(columns)).replaceWithVoid();
    }

    private static Uni<Void> settleEvents(SqlConnection connection, String owner, List<SettledEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int size = events.size();
        String[] accounts = new String[size];
        String[] ids = new String[size];
        String[] statuses = new String[size];
        Integer[] attempts = new Integer[size];
        OffsetDateTime[] nextAttempts = new OffsetDateTime[size];
        String[] errors = new String[size];
        for (int i = 0; i < size; i++) {
            SettledEvent event = events.get(i);
            accounts[i] = event.ref().account();
            ids[i] = event.ref().eventId();
            statuses[i] = event.status();
            attempts[i] = event.attempts();
            nextAttempts[i] = event.nextAttemptAt().atOffset(ZoneOffset.UTC);
            errors[i] = event.lastError();
        }
        return connection.preparedQuery(SETTLE_EVENTS)
                .execute(Tuple.from(List.of(accounts, ids, statuses, attempts, nextAttempts, errors, owner)))
                .replaceWithVoid();
    }

    private static List<ClaimedEvent> claimedEvents(RowSet<Row> rows) {
        List<ClaimedEvent> events = new ArrayList<>(rows.size());
        for (Row row : rows) {
            events.add(new ClaimedEvent(row.getString("account"), row.getString("event_id"), row.getString("type"),
                    row.getOffsetDateTime("created").toInstant(), row.getOffsetDateTime("received_at").toInstant(),
                    row.getString("object_type"), row.getString("object_status"), row.getString("status"),
                    row.getInteger("attempts"),
                    row.getBuffer("payload").getBytes()));
        }
        return events;
    }

    private static Map<RecordKey, RecordState> recordStates(RowSet<Row> rows) {
        Map<RecordKey, RecordState> states = new HashMap<>();
        for (Row row : rows) {
            RecordKey key = new RecordKey(row.getString("sobject"), row.getString("external_id"));
            OrderingKey newest = row.getString("newest_event_id") == null ? null
                    : new OrderingKey(row.getLong("newest_created"), row.getInteger("newest_rank"), row.getString("newest_event_id"));
            states.put(key, new RecordState(row.getString("salesforce_id"), fromJson(row.getJsonObject("route_watermarks")), newest));
        }
        return states;
    }

    private static JsonObject toJson(Map<String, OrderingKey> watermarks) {
        JsonObject json = new JsonObject();
        watermarks.forEach((route, key) -> json.put(route, new JsonObject()
                .put("created", key.created())
                .put("rank", key.rank())
                .put("eventId", key.eventId())));
        return json;
    }

    private static Map<String, OrderingKey> fromJson(JsonObject json) {
        Map<String, OrderingKey> watermarks = new HashMap<>();
        if (json != null) {
            json.forEach(entry -> {
                JsonObject key = (JsonObject) entry.getValue();
                watermarks.put(entry.getKey(), new OrderingKey(key.getLong("created"), key.getInteger("rank"), key.getString("eventId")));
            });
        }
        return watermarks;
    }

    private static String[] sobjects(List<RecordKey> keys) {
        return keys.stream().map(RecordKey::sobject).toArray(String[]::new);
    }

    private static String[] externalIds(List<RecordKey> keys) {
        return keys.stream().map(RecordKey::externalId).toArray(String[]::new);
    }

    /** An event's new status. */
    public record SettledEvent(EventRef ref, String status, int attempts, Instant nextAttemptAt, String lastError) {
    }

    /** A record Salesforce wrote. */
    public record WrittenRecord(PlannedRecord record, String salesforceId) {
    }
}
