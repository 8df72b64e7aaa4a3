package io.paybridge.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.paybridge.testing.StripeFixtures;

/**
 * Events of the fixture story's shapes for many objects: the story is copied per group with every
 * Stripe object id suffixed (so each group has its own invoices, payment intents and payouts), and
 * replayed in cycles further along in time (so each object goes through its life several times).
 */
final class StoryEvents {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** Seconds between cycles: far more than the story spans. */
    private static final long CYCLE = 1_000_000;

    /** One distinct event and the account it belongs to. */
    record StoryEvent(String account, String eventId, byte[] body, long created) {
    }

    private StoryEvents() {
    }

    /**
     * @param groups   copies of the story, each with its own objects, spread over the accounts
     * @param cycles   times each group lives its story, later each time
     */
    static List<StoryEvent> generate(int groups, int cycles, List<String> accounts) {
        List<String> templates = StripeFixtures.eventsIn(StripeFixtures.ROOT).stream()
                .map(StripeFixtures::read)
                .map(bytes -> new String(bytes, java.nio.charset.StandardCharsets.UTF_8))
                .toList();
        List<String> ids = storyIds();
        List<StoryEvent> events = new ArrayList<>();
        for (int group = 0; group < groups; group++) {
            String account = accounts.get(group % accounts.size());
            for (int cycle = 0; cycle < cycles; cycle++) {
                for (String template : templates) {
                    events.add(event(template, ids, account, group, cycle));
                }
            }
        }
        return events;
    }

    private static StoryEvent event(String template, List<String> ids, String account, int group, int cycle) {
        String text = template;
        for (String id : ids) {
            text = text.replace(id, id + "g" + group);
        }
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(text);
            String eventId = event.path("id").asText() + "_g" + group + "_c" + cycle;
            long created = event.path("created").asLong() + cycle * CYCLE;
            event.put("id", eventId);
            event.put("created", created);
            return new StoryEvent(account, eventId, JSON.writeValueAsBytes(event), created);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The story's object ids, longest first so that none is replaced inside another. */
    private static List<String> storyIds() {
        try {
            JsonNode ids = JSON.readTree(StripeFixtures.ROOT.resolve("_ids.json").toFile()).path("ids");
            List<String> values = new ArrayList<>();
            ids.forEach(id -> values.add(id.asText()));
            values.sort(Comparator.comparingInt(String::length).reversed());
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


}
