package io.paybridge.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import io.paybridge.delivery.OrderingKey;
import io.paybridge.faults.StoryEvents.StoryEvent;
import io.paybridge.mapping.EventMapper;
import io.paybridge.mapping.RecordWrite;
import io.paybridge.mapping.Routes;

/**
 * What Salesforce holds when every distinct event is applied once, in Stripe's order: each record
 * field by field, as Salesforce's upsert merges. The fault scenarios compare the fake Salesforce
 * against this, whatever order, duplication and crashes the events went through.
 */
final class ExpectedState {

    private static final EventMapper MAPPER = new EventMapper(Routes.defaults());

    private ExpectedState() {
    }

    /** SObject -> external id -> fields. */
    static Map<String, Map<String, Map<String, Object>>> inOrder(List<StoryEvent> events) {
        List<Ordered> ordered = new ArrayList<>();
        for (StoryEvent event : events) {
            ordered.add(new Ordered(event, orderingKey(event)));
        }
        ordered.sort(Comparator.comparing(Ordered::key));
        Map<String, Map<String, Map<String, Object>>> state = new TreeMap<>();
        for (Ordered event : ordered) {
            for (RecordWrite write : MAPPER.map(event.event().account(), event.event().body())) {
                Map<String, Object> record = state.computeIfAbsent(write.sobject(), s -> new TreeMap<>())
                        .computeIfAbsent(write.externalId(), id -> new LinkedHashMap<>());
                record.put(write.externalIdField(), write.externalId());
                record.putAll(write.fields());
                record.putAll(write.sharedFields());
            }
        }
        return state;
    }

    /** Records as comparable text: numbers by value, whatever their scale or Java type. */
    static Map<String, Map<String, Map<String, String>>> normalized(Map<String, Map<String, Map<String, Object>>> state) {
        Map<String, Map<String, Map<String, String>>> normal = new TreeMap<>();
        state.forEach((sobject, records) -> records.forEach((id, fields) -> {
            Map<String, String> values = new TreeMap<>();
            fields.forEach((name, value) -> values.put(name, text(value)));
            normal.computeIfAbsent(sobject, s -> new TreeMap<>()).put(id, values);
        }));
        return normal;
    }

    private static String text(Object value) {
        if (value instanceof Number number) {
            return new BigDecimal(number.toString()).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    private static OrderingKey orderingKey(StoryEvent event) {
        try {
            JsonNode object = StoryEvents.JSON.readTree(event.body()).path("data").path("object");
            return OrderingKey.of(event.created(), object.path("object").asText(null), object.path("status").asText(null),
                    event.eventId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Ordered(StoryEvent event, OrderingKey key) {
    }
}
