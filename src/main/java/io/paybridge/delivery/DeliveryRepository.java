package io.paybridge.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;

import io.paybridge.delivery.ClaimedEvent.EventRef;
import io.paybridge.delivery.DeliveryPlan.PlannedRecord;
import io.paybridge.event.EventStatus;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The delivery pipeline's SQL: three statements a turn (claim, lease records, settle), whatever the
 * number of events, none of them open while Salesforce is called.
 *
 * <p>Every statement that locks several rows takes them in key order (events by account and id,
 * records by SObject and external id), so that replicas never deadlock each other. Times are
 * computed by the database ({@code now()} plus a delay), so that the replicas' clocks do not matter.
 */
@ApplicationScoped
public class DeliveryRepository {

    /**
     * See B12__schema.sql for why the claim is two functions and has a limit in bytes, and
     * V21__claims_one_at_a_time.sql for why claims take turns, V22__claims_end_on_a_whole_payment.sql
     * for why a bounded claim ends between payments. The payloads
     * stay behind (octet_length reads a stored value's length without reading the value): a turn
     * reads them a page at a time as it maps them, see {@link PayloadPages}.
     */
    private static final String CLAIM = """
            SELECT account, event_id, type, created, received_at, object_type, object_status, status, attempts,
                   octet_length(payload) AS payload_bytes, thin, related_url, connect_account, more_due
              FROM claim_due_events($1, $2, $3, $4, $5)
            """;

    /** One page of a claim's payloads, each row found by its primary key. */
    private static final String PAYLOADS = """
            SELECT e.account, e.event_id, e.payload
              FROM unnest($1::text[], $2::text[]) AS k(account, event_id)
              JOIN stripe_event e ON e.account = k.account AND e.event_id = k.event_id
            """;

    /**
     * Takes the records for this lessee unless another holds them. Keys arrive sorted, so two
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
            RETURNING sobject, external_id, salesforce_id, route_watermarks::text AS route_watermarks, newest_created,
                      newest_rank, newest_event_id
            """;

    /**
     * See B12__schema.sql for why settling and giving back are functions. Watermarks go as JSON text
     * written on the turn's worker thread: the client would otherwise encode thousands of JSON
     * objects on the event loop that also answers Stripe's webhooks.
     */
    private static final String SETTLE = """
            SELECT * FROM settle_turn($1, $2, $3, $4, $5, $6::text[]::jsonb[], $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                                      $19, $20, $21, $22)
            """;

    private static final String GIVE_BACK = "SELECT * FROM give_back_turn($1, $2, $3, $4, $5)";

    private static final Comparator<EventRef> EVENT_ORDER = Comparator.comparing(EventRef::account)
            .thenComparing(EventRef::eventId);

    private final Pool pool;

    public DeliveryRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Claims and leases answer with thousands of rows: they are read into the turn's types on a
     * worker thread, never on the event loop that also answers Stripe's webhooks (the blocked-thread
     * checker caught the event loop reading a lease's watermarks in replays of 500,000 events).
     *
     * @param limit      most events, before the claim adds the other due events of the objects reached
     * @param maxObjects most objects: only the events of the first ones the claim reached are taken
     * @param maxBytes   most payload bytes; the first event is taken whatever its size
     */
    public Uni<Claim> claim(String lessee, int limit, int maxObjects, long maxBytes, Duration lease) {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(limit, maxObjects, maxBytes, lessee, seconds(lease)))
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(DeliveryRepository::claimOf);
    }

    /**
     * One page of claimed events' payloads, as stored.
     *
     * @return the payload of each event found; an event purged since its claim is absent
     */
    public Uni<Map<EventRef, byte[]>> payloads(List<EventRef> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery(PAYLOADS)
                .execute(Tuple.of(column(events, String[]::new, EventRef::account),
                        column(events, String[]::new, EventRef::eventId)))
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(DeliveryRepository::payloadsByEvent);
    }

    /** @return the state of the records now held by {@code lessee}; absent keys are held elsewhere */
    public Uni<Map<RecordKey, RecordState>> leaseRecords(String lessee, Collection<RecordKey> keys, Duration lease) {
        List<RecordKey> sorted = keys.stream().distinct().sorted().toList();
        if (sorted.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery(LEASE_RECORDS)
                .execute(Tuple.of(sobjects(sorted), externalIds(sorted), lessee, seconds(lease)))
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(DeliveryRepository::recordStates);
    }

    /**
     * Records a turn's outcome in one statement: the records' new state, the links from events to
     * records, the events' statuses; lets go of every record and event the lessee held.
     *
     * @param held    every record the turn leased, written or not
     * @param written the records Salesforce wrote, with their ids
     * @param fetched the objects fetched for thin events, kept on the event for operators
     */
    public Uni<Void> settle(String lessee, List<SettledEvent> events, Collection<RecordKey> held,
            Map<RecordKey, WrittenRecord> written, Map<EventRef, byte[]> fetched) {
        List<RecordKey> records = held.stream().distinct().sorted().toList();
        List<SettledEvent> sortedEvents = events.stream()
                .sorted(Comparator.comparing(SettledEvent::ref, EVENT_ORDER))
                .toList();
        List<Object> parameters = new ArrayList<>(22);
        parameters.add(lessee);
        parameters.addAll(recordColumns(records, written));
        parameters.addAll(linkColumns(written));
        parameters.addAll(eventColumns(sortedEvents, fetched));
        return pool.preparedQuery(SETTLE)
                .execute(Tuple.from(parameters))
                .replaceWithVoid();
    }

    /** Lets go of what a failed turn holds, so that the next turn, here or elsewhere, can take it now. */
    public Uni<Void> giveBack(String lessee, Collection<EventRef> events, Collection<RecordKey> records) {
        if (events.isEmpty() && records.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<RecordKey> sortedRecords = records.stream().distinct().sorted().toList();
        List<EventRef> sortedEvents = events.stream().distinct().sorted(EVENT_ORDER).toList();
        return pool.preparedQuery(GIVE_BACK)
                .execute(Tuple.of(lessee, sobjects(sortedRecords), externalIds(sortedRecords),
                        sortedEvents.stream().map(EventRef::account).toArray(String[]::new),
                        sortedEvents.stream().map(EventRef::eventId).toArray(String[]::new)))
                .replaceWithVoid();
    }

    private static List<Object> recordColumns(List<RecordKey> records, Map<RecordKey, WrittenRecord> written) {
        List<WrittenRecord> writes = records.stream().map(written::get).toList();
        return List.of(sobjects(records), externalIds(records),
                column(writes, Boolean[]::new, Objects::nonNull),
                column(writes, String[]::new, ifWritten(WrittenRecord::salesforceId)),
                column(writes, String[]::new, ifWritten(write -> toJson(write.record().watermarks()))),
                column(writes, Long[]::new, ifWritten(write -> write.record().newest().created())),
                column(writes, Integer[]::new, ifWritten(write -> write.record().newest().rank())),
                column(writes, String[]::new, ifWritten(write -> write.record().newest().eventId())));
    }

    /** A record column's value where Salesforce wrote the record; null where it did not. */
    private static <V> Function<WrittenRecord, V> ifWritten(Function<WrittenRecord, V> value) {
        return write -> write == null ? null : value.apply(write);
    }

    private static List<Object> linkColumns(Map<RecordKey, WrittenRecord> written) {
        List<String[]> rows = new ArrayList<>();
        written.values().forEach(record -> {
            PlannedRecord planned = record.record();
            planned.contributors().forEach(event -> rows.add(new String[] { event.account(), event.eventId(),
                    planned.key().sobject(), planned.externalIdField(), planned.key().externalId(), record.salesforceId() }));
        });
        rows.sort(Comparator.<String[], String>comparing(row -> row[0]).thenComparing(row -> row[1])
                .thenComparing(row -> row[2]).thenComparing(row -> row[4]));
        List<Object> columns = new ArrayList<>(6);
        for (int column = 0; column < 6; column++) {
            String[] values = new String[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                values[i] = rows.get(i)[column];
            }
            columns.add(values);
        }
        return columns;
    }

    private static List<Object> eventColumns(List<SettledEvent> events, Map<EventRef, byte[]> fetched) {
        return List.of(
                column(events, String[]::new, event -> event.ref().account()),
                column(events, String[]::new, event -> event.ref().eventId()),
                column(events, String[]::new, event -> event.status().value()),
                column(events, Integer[]::new, SettledEvent::attempts),
                column(events, Double[]::new, event -> event.dueIn().toMillis() / 1000.0),
                column(events, String[]::new, SettledEvent::lastError),
                column(events, Buffer[]::new, event -> Optional.ofNullable(fetched.get(event.ref()))
                        .map(Buffer::buffer).orElse(null)));
    }

    /** A typed array, which the client binds as the SQL array the statement unnests. */
    private static <R, V> V[] column(List<R> rows, IntFunction<V[]> array, Function<R, V> value) {
        return rows.stream().map(value).toArray(array);
    }

    private static Claim claimOf(RowSet<Row> rows) {
        List<ClaimedEvent> events = new ArrayList<>(rows.size());
        boolean moreDue = false;
        for (Row row : rows) {
            moreDue = row.getBoolean("more_due");
            events.add(new ClaimedEvent(row.getString("account"), row.getString("event_id"), row.getString("type"),
                    row.getOffsetDateTime("created").toInstant(), row.getOffsetDateTime("received_at").toInstant(),
                    row.getString("object_type"), row.getString("object_status"), EventStatus.of(row.getString("status")),
                    row.getInteger("attempts"), row.getInteger("payload_bytes"),
                    row.getBoolean("thin"), row.getString("related_url"), row.getString("connect_account")));
        }
        return new Claim(events, moreDue);
    }

    private static Map<EventRef, byte[]> payloadsByEvent(RowSet<Row> rows) {
        Map<EventRef, byte[]> payloads = new HashMap<>();
        for (Row row : rows) {
            payloads.put(new EventRef(row.getString("account"), row.getString("event_id")), row.getBuffer("payload").getBytes());
        }
        return payloads;
    }

    private static Map<RecordKey, RecordState> recordStates(RowSet<Row> rows) {
        Map<RecordKey, RecordState> states = new HashMap<>();
        for (Row row : rows) {
            RecordKey key = new RecordKey(row.getString("sobject"), row.getString("external_id"));
            OrderingKey newest = row.getString("newest_event_id") == null ? null
                    : new OrderingKey(row.getLong("newest_created"), row.getInteger("newest_rank"), row.getString("newest_event_id"));
            states.put(key, new RecordState(row.getString("salesforce_id"), fromJson(row.getString("route_watermarks")), newest));
        }
        return states;
    }

    private static String toJson(Map<String, OrderingKey> watermarks) {
        JsonObject json = new JsonObject();
        watermarks.forEach((route, key) -> json.put(route, new JsonObject()
                .put("created", key.created())
                .put("rank", key.rank())
                .put("eventId", key.eventId())));
        return json.encode();
    }

    private static Map<String, OrderingKey> fromJson(String text) {
        Map<String, OrderingKey> watermarks = new HashMap<>();
        if (text != null) {
            new JsonObject(text).forEach(entry -> {
                JsonObject key = (JsonObject) entry.getValue();
                watermarks.put(entry.getKey(), new OrderingKey(key.getLong("created"), key.getInteger("rank"), key.getString("eventId")));
            });
        }
        return watermarks;
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private static String[] sobjects(List<RecordKey> keys) {
        return column(keys, String[]::new, RecordKey::sobject);
    }

    private static String[] externalIds(List<RecordKey> keys) {
        return column(keys, String[]::new, RecordKey::externalId);
    }

    /**
     * What one claim took.
     *
     * @param moreDue whether the claim left due events behind: it reached its bound in events,
     *                objects or bytes, so that a next turn will take more
     */
    public record Claim(List<ClaimedEvent> events, boolean moreDue) {
    }

    /**
     * An event's new status.
     *
     * @param dueIn when it is due again, from now (zero for a final status)
     */
    public record SettledEvent(EventRef ref, EventStatus status, int attempts, Duration dueIn, String lastError) {
    }

    /** A record Salesforce wrote. */
    public record WrittenRecord(PlannedRecord record, String salesforceId) {
    }
}
