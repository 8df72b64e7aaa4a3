package io.paybridge.mapping;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Maps a stored event, from its raw JSON, to the Salesforce records its routes write. The raw
 * JSON rather than stripe-java's models: those drop the fields of other API versions.
 */
@ApplicationScoped
@Startup
public class EventMapper {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Routes routes;

    public EventMapper(Routes routes) {
        this.routes = routes;
    }

    /** Whether any route takes events of this type: a thin event no route takes is not worth a fetch. */
    public boolean routes(String type) {
        for (Route route : routes.routes()) {
            if (route.takes(type)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return one write per route that takes the event and finds its key; empty when none does
     * @throws UnmappableEventException when the event cannot be read
     */
    public List<RecordWrite> map(String account, byte[] payload) {
        return map(account, read(payload));
    }

    /**
     * @param event a snapshot event as a tree: a thin event with its fetched object in place
     * @return one write per route that takes the event and finds its key; empty when none does
     * @throws UnmappableEventException when the event has no type or no object
     */
    public List<RecordWrite> map(String account, JsonNode event) {
        String type = event.path("type").asText(null);
        JsonNode object = event.path("data").path("object");
        if (type == null || !object.isObject()) {
            throw new UnmappableEventException("the event has no type or no data.object");
        }
        List<RecordWrite> writes = new ArrayList<>();
        for (Route route : routes.routes()) {
            if (route.takes(type)) {
                RecordWrite write = write(route, account, event, object);
                if (write != null) {
                    writes.add(write);
                }
            }
        }
        return writes;
    }

    private RecordWrite write(Route route, String account, JsonNode event, JsonNode object) {
        JsonNode key = lookup(route.key(), event, object);
        if (key.isMissingNode() || key.isNull()) {
            return null;
        }
        String externalId = (String) Conversion.TEXT.apply(key, null, route.keyField());
        Map<String, Object> own = new LinkedHashMap<>();
        Map<String, Object> shared = new LinkedHashMap<>();
        route.fields().forEach((field, spec) -> put(route.sharedFields().contains(field) ? shared : own,
                field, spec, account, event, object));
        routes.common().forEach((field, spec) -> put(shared, field, spec, account, event, object));
        return new RecordWrite(route.name(), route.sobject(), route.keyField(), externalId, own, shared);
    }

    private static void put(Map<String, Object> fields, String field, FieldSpec spec, String account, JsonNode event,
            JsonNode object) {
        if (spec.account()) {
            fields.put(field, account);
            return;
        }
        JsonNode value = lookup(spec, event, object);
        if (value.isMissingNode()) {
            return;
        }
        if (value.isNull()) {
            fields.put(field, null);
            return;
        }
        String currency = null;
        if (spec.conversion() == Conversion.AMOUNT) {
            JsonNode currencyNode = walk(spec.envelope() ? event : object, spec.currencyPath());
            currency = currencyNode.isTextual() ? currencyNode.asText() : null;
        }
        fields.put(field, spec.conversion().apply(value, currency, field));
    }

    private static JsonNode lookup(FieldSpec spec, JsonNode event, JsonNode object) {
        return walk(spec.envelope() ? event : object, spec.path());
    }

    /** Missing when a step is absent; null when a step is null, so that a cleared parent clears the field. */
    private static JsonNode walk(JsonNode from, List<String> path) {
        JsonNode node = from;
        for (String step : path) {
            if (node.isNull()) {
                return NullNode.getInstance();
            }
            if (!node.isObject() || !node.has(step)) {
                return MissingNode.getInstance();
            }
            node = node.get(step);
        }
        return node;
    }

    private static JsonNode read(byte[] payload) {
        try {
            JsonNode event = JSON.readTree(payload);
            if (event == null || !event.isObject()) {
                throw new UnmappableEventException("the event is not a JSON object");
            }
            return event;
        } catch (IOException e) {
            throw new UnmappableEventException("the event is not valid JSON");
        }
    }
}
