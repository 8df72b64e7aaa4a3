package io.paybridge.admin;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.paybridge.event.SalesforceRecord;
import io.paybridge.event.StripeEvent;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The operators' reads of stored events, through the entity model: the filtered listing, one event,
 * and the Salesforce ids of its records. Conditions are added only for the filters given, so that
 * each query can use the index its filters fit. (Replays write, in {@link ReplayRepository}.)
 */
@ApplicationScoped
@WithSession
public class EventAdminRepository {

    /** Newest first, with the key as tie-breaker: the order the cursor continues. */
    private static final Sort NEWEST_FIRST = Sort.descending("created", "account", "eventId");

    /**
     * Newest first; {@code limit + 1} rows are read to know whether a next page exists. Only the
     * listing's columns are read (a projection), never the payloads.
     */
    public Uni<EventPage> list(EventFilter filter, Optional<Cursor> after, int limit) {
        Conditions conditions = Conditions.of(filter);
        // A row comparison, as the keyset of the sort: PostgreSQL seeks to it in the index's order.
        after.ifPresent(cursor -> conditions.add("(created, account, eventId) < (:afterCreated, :afterAccount, :afterEventId)",
                Parameters.with("afterCreated", cursor.created())
                        .and("afterAccount", cursor.account())
                        .and("afterEventId", cursor.eventId())));
        return StripeEvent.find(conditions.query(), NEWEST_FIRST, conditions.parameters())
                .project(EventSummary.class)
                .range(0, limit) // inclusive: limit + 1 rows
                .list()
                .map(rows -> page(rows, limit));
    }

    /** One event by its primary key. */
    public Uni<Optional<StoredEvent>> find(String account, String eventId) {
        return StripeEvent.findByKey(account, eventId)
                .map(event -> Optional.ofNullable(event).map(EventAdminRepository::storedEvent));
    }

    /**
     * Salesforce ids Paybridge holds for the given records (the few an event maps to), keyed by
     * {@code sobject + '/' + externalId}; records not written yet are left out.
     */
    public Uni<Map<String, String>> salesforceIds(List<SalesforceRecord.Key> records) {
        if (records.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        // One primary-key lookup per record, OR-ed: exactly the records asked for.
        List<String> lookups = new ArrayList<>();
        Parameters parameters = new Parameters();
        for (int i = 0; i < records.size(); i++) {
            lookups.add("(id.sobject = :sobject" + i + " and id.externalId = :externalId" + i + ")");
            parameters.and("sobject" + i, records.get(i).sobject()).and("externalId" + i, records.get(i).externalId());
        }
        return SalesforceRecord.<SalesforceRecord>list("salesforceId is not null and (" + String.join(" or ", lookups) + ")",
                        parameters)
                .map(found -> found.stream()
                        .collect(Collectors.toMap(record -> record.id.sobject() + "/" + record.id.externalId(),
                                record -> record.salesforceId)));
    }

    private static EventPage page(List<EventSummary> rows, int limit) {
        boolean more = rows.size() > limit;
        List<EventSummary> events = more ? rows.subList(0, limit) : rows;
        String next = more ? Cursor.of(events.get(events.size() - 1)).encode() : null;
        return new EventPage(List.copyOf(events), next);
    }

    private static StoredEvent storedEvent(StripeEvent event) {
        EventSummary summary = new EventSummary(event.account, event.eventId, event.type, event.status,
                event.attempts, event.created, event.receivedAt, event.lastError);
        // The column keeps the moment of the last settle once delivery is over: no attempt is to come.
        Instant nextAttemptAt = event.status.done() ? null : event.nextAttemptAt;
        return new StoredEvent(summary, event.objectId, event.objectType, nextAttemptAt, event.payload,
                event.thin, event.connectAccount, event.fetched);
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
                if (parts.length != 3 || time.length != 2 || EventFilter.hasNul(parts[1]) || EventFilter.hasNul(parts[2])) {
                    throw new IllegalArgumentException();
                }
                return new Cursor(Instant.ofEpochSecond(Long.parseLong(time[0]), Long.parseLong(time[1])), parts[1], parts[2]);
            } catch (RuntimeException e) {
                throw new InvalidRequestException("after must be the 'next' value of a previous page");
            }
        }
    }

    /** The conditions of a filter as HQL over {@link StripeEvent}, with named parameters. */
    private static final class Conditions {
        private final List<String> conditions = new ArrayList<>();
        private final Parameters parameters = new Parameters();

        static Conditions of(EventFilter filter) {
            Conditions where = new Conditions();
            filter.account().ifPresent(account -> where.add("account = :account", Parameters.with("account", account)));
            if (!filter.ids().isEmpty()) {
                where.add("eventId in :ids", Parameters.with("ids", filter.ids()));
            }
            filter.status().ifPresent(status -> where.add("status = :status", Parameters.with("status", status)));
            filter.typeLikePattern().ifPresent(pattern -> where.add("type like :type escape '\\'", Parameters.with("type", pattern)));
            filter.since().ifPresent(since -> where.add("created >= :since", Parameters.with("since", since)));
            filter.until().ifPresent(until -> where.add("created < :until", Parameters.with("until", until)));
            return where;
        }

        void add(String condition, Parameters values) {
            conditions.add(condition);
            values.map().forEach(parameters::and);
        }

        String query() {
            return conditions.isEmpty() ? "from StripeEvent" : "from StripeEvent where " + String.join(" and ", conditions);
        }

        Parameters parameters() {
            return parameters;
        }
    }
}
