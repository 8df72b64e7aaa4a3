package io.paybridge.delivery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.paybridge.delivery.ClaimedEvent.EventRef;
import io.paybridge.event.EventStatus;
import io.paybridge.mapping.RecordWrite;

/**
 * One claim's worth of work, decided before any call: which records to push with which fields,
 * and which events need no push at all.
 *
 * <p>Events are applied in ordering-key order onto the records' last applied state, so that
 * several events of one record collapse into one upsert of the newest state, and an event older
 * than what a record already shows is superseded rather than pushed over it.
 */
public final class DeliveryPlan {

    private final Map<RecordKey, PlannedRecord> records;
    private final Map<EventRef, EventOutcome> settled;
    private final Map<EventRef, Set<RecordKey>> pushedBy;
    private final Map<EventRef, ClaimedEvent> events;

    private DeliveryPlan(Map<RecordKey, PlannedRecord> records, Map<EventRef, EventOutcome> settled,
            Map<EventRef, Set<RecordKey>> pushedBy, Map<EventRef, ClaimedEvent> events) {
        this.records = records;
        this.settled = settled;
        this.pushedBy = pushedBy;
        this.events = events;
    }

    /**
     * @param mapped the events with what the routes make of them, all of whose records this
     *               replica holds
     * @param states the last applied state of those records (absent: never pushed)
     */
    public static DeliveryPlan of(List<MappedEvent> mapped, Map<RecordKey, RecordState> states) {
        Map<RecordKey, PlannedRecord> records = new TreeMap<>();
        Map<EventRef, EventOutcome> settled = new LinkedHashMap<>();
        Map<EventRef, Set<RecordKey>> pushedBy = new LinkedHashMap<>();
        Map<EventRef, ClaimedEvent> events = new HashMap<>();
        mapped.stream()
                .sorted((a, b) -> a.event().orderingKey().compareTo(b.event().orderingKey()))
                .forEach(event -> {
                    events.put(event.event().ref(), event.event());
                    apply(event, states, records, settled, pushedBy);
                });
        return new DeliveryPlan(records, settled, pushedBy, events);
    }

    private static void apply(MappedEvent mapped, Map<RecordKey, RecordState> states,
            Map<RecordKey, PlannedRecord> records, Map<EventRef, EventOutcome> settled,
            Map<EventRef, Set<RecordKey>> pushedBy) {
        ClaimedEvent event = mapped.event();
        if (mapped.error() != null) {
            settled.put(event.ref(), EventOutcome.dead("unmappable: " + mapped.error()));
            return;
        }
        if (mapped.writes().isEmpty()) {
            settled.put(event.ref(), EventOutcome.skipped("no route for " + event.type()));
            return;
        }
        OrderingKey key = event.orderingKey();
        Set<RecordKey> touched = new LinkedHashSet<>();
        for (RecordWrite write : mapped.writes()) {
            RecordKey recordKey = new RecordKey(write.sobject(), write.externalId());
            PlannedRecord record = records.computeIfAbsent(recordKey,
                    k -> new PlannedRecord(k, write.externalIdField(), states.getOrDefault(k, RecordState.empty())));
            if (record.apply(write, key, event.ref())) {
                touched.add(recordKey);
            }
        }
        if (touched.isEmpty()) {
            settled.put(event.ref(), EventOutcome.skipped("superseded: its records already show newer events"));
        } else {
            pushedBy.put(event.ref(), touched);
        }
    }

    /** Records to push, each with the collapsed fields of every event applied to it. */
    public Collection<PlannedRecord> records() {
        return records.values().stream().filter(PlannedRecord::hasWrites).toList();
    }

    /** Events settled without a push: no route, superseded, unmappable. */
    public Map<EventRef, EventOutcome> settled() {
        return settled;
    }

    /** Events whose fate depends on the pushes, with the records each depends on. */
    public Map<EventRef, Set<RecordKey>> pushedBy() {
        return pushedBy;
    }

    public ClaimedEvent event(EventRef ref) {
        return events.get(ref);
    }

    /**
     * Each pushed event's outcome from its records' results: dead if any record refused it for
     * good, retrying if any failed for now, delivered once all are written.
     */
    public Map<EventRef, RecordOutcome> outcomesOfPushedEvents(Map<RecordKey, RecordOutcome> results) {
        Map<EventRef, RecordOutcome> outcomes = new LinkedHashMap<>();
        pushedBy.forEach((event, keys) -> outcomes.put(event, worst(keys.stream().map(results::get).toList())));
        return outcomes;
    }

    private static RecordOutcome worst(List<RecordOutcome> outcomes) {
        RecordOutcome worst = null;
        for (RecordOutcome outcome : outcomes) {
            if (outcome == null) {
                continue;
            }
            if (worst == null || outcome.kind().severity() > worst.kind().severity()) {
                worst = outcome;
            }
        }
        return worst == null ? RecordOutcome.released("not pushed") : worst;
    }

    /** What one event makes of the routes, or why it could not be mapped. */
    public record MappedEvent(ClaimedEvent event, List<RecordWrite> writes, String error) {

        public Set<RecordKey> recordKeys() {
            Set<RecordKey> keys = new LinkedHashSet<>();
            writes.forEach(write -> keys.add(new RecordKey(write.sobject(), write.externalId())));
            return keys;
        }
    }

    /** An event settled without a push. */
    public record EventOutcome(EventStatus status, String reason) {
        static EventOutcome skipped(String reason) {
            return new EventOutcome(EventStatus.SKIPPED, reason);
        }

        static EventOutcome dead(String reason) {
            return new EventOutcome(EventStatus.DEAD, reason);
        }
    }

    /** One record's upsert: the collapsed fields and the state it leaves once written. */
    public static final class PlannedRecord {
        /** Watermark keys of shared fields; route names never contain a colon. */
        static final String SHARED_FIELD = "field:";
        private final RecordKey key;
        private final String externalIdField;
        private final Map<String, Object> fields = new LinkedHashMap<>();
        private final Map<String, OrderingKey> watermarks;
        private final List<EventRef> contributors = new ArrayList<>();
        private OrderingKey newest;

        PlannedRecord(RecordKey key, String externalIdField, RecordState before) {
            this.key = key;
            this.externalIdField = externalIdField;
            this.watermarks = new TreeMap<>(before.routeWatermarks());
            this.newest = before.newest();
        }

        /**
         * A route's own fields follow the newest event of that route; a shared field follows the
         * newest event, of any route, that carries it. Both are watermarked, so whichever order
         * the events come in, each field ends with the value of the newest event that has it.
         *
         * @return false when the route already applied a newer event to this record
         */
        boolean apply(RecordWrite write, OrderingKey event, EventRef ref) {
            if (!event.isNotOlderThan(watermarks.get(write.route()))) {
                return false;
            }
            fields.putAll(write.fields());
            watermarks.put(write.route(), event);
            write.sharedFields().forEach((field, value) -> {
                String fieldMark = SHARED_FIELD + field;
                if (event.isNotOlderThan(watermarks.get(fieldMark))) {
                    fields.put(field, value);
                    watermarks.put(fieldMark, event);
                }
            });
            if (event.isNewerThan(newest)) {
                newest = event;
            }
            contributors.add(ref);
            return true;
        }

        boolean hasWrites() {
            return !contributors.isEmpty();
        }

        public RecordKey key() {
            return key;
        }

        public String externalIdField() {
            return externalIdField;
        }

        /** The record as Collections upserts it: the external id and the fields. */
        public Map<String, Object> body() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put(externalIdField, key.externalId());
            body.putAll(fields);
            return body;
        }

        public Map<String, OrderingKey> watermarks() {
            return watermarks;
        }

        public OrderingKey newest() {
            return newest;
        }

        public List<EventRef> contributors() {
            return contributors;
        }
    }
}
