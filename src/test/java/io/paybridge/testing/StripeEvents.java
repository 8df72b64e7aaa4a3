package io.paybridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Snapshot events built from the real-shaped fixtures, one builder per Stripe object: a test
 * changes only what it is about (ids of its own, a status, a time) and keeps Stripe's shape for
 * the rest. The event id defaults to {@code evt_<object id>}.
 */
public final class StripeEvents {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final ObjectNode event;

    private StripeEvents(byte[] event) {
        try {
            this.event = (ObjectNode) JSON.readTree(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private StripeEvents(String fixture, String objectId) {
        this(StripeFixtures.bytes(fixture));
        object().put("id", objectId);
        event.put("id", "evt_" + objectId);
    }

    /** Any event, a fixture file's say, to change as the other builders do. */
    public static StripeEvents from(byte[] event) {
        return new StripeEvents(event);
    }

    /**
     * Each event sent 1 to 3 times, in a shuffled order, as Stripe's at-least-once and unordered
     * delivery may bring them; {@code random} with a fixed seed keeps a failure reproducible.
     */
    public static List<byte[]> duplicatedAndShuffled(List<byte[]> events, Random random) {
        List<byte[]> shuffled = new ArrayList<>();
        events.forEach(event -> {
            for (int copies = 1 + random.nextInt(3); copies > 0; copies--) {
                shuffled.add(event);
            }
        });
        Collections.shuffle(shuffled, random);
        return shuffled;
    }

    /** The ids of Stripe objects and events in the fixtures: a prefix Stripe gives that kind, {@code _}, then the id. */
    private static final Pattern STRIPE_ID = Pattern.compile("\\b((?:evt|in|inpay|ii|il|pi|ch|re|po|py|ba|cus|pm|src|txn)_[A-Za-z0-9]{8,})\\b");

    /**
     * The event with {@code suffix} after every Stripe id it holds (its own, its object's and those it
     * points to): the same story about objects no other test has touched.
     */
    public static byte[] withIdsSuffixed(byte[] event, String suffix) {
        String json = new String(event, StandardCharsets.UTF_8);
        return STRIPE_ID.matcher(json).replaceAll("$1" + suffix).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A tag of letters and digits no other test run has used: ending every Stripe id of a test with it
     * ({@link #withIdsSuffixed}, or ids made up with it) keeps the test's events and records apart from
     * those of every other test sharing the database and the fake Salesforce.
     */
    public static String uniqueTag() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** A {@code payout.paid} event of payout {@code id}. */
    public static StripeEvents payout(String id) {
        return new StripeEvents("payout.paid", id);
    }

    /** An {@code invoice.paid} event of invoice {@code id}. */
    public static StripeEvents invoice(String id) {
        return new StripeEvents("invoice.paid", id);
    }

    /** A {@code payment_intent.succeeded} event of payment intent {@code id}. */
    public static StripeEvents paymentIntent(String id) {
        return new StripeEvents("payment_intent.succeeded", id);
    }

    /** A {@code charge.succeeded} event of charge {@code id}. */
    public static StripeEvents charge(String id) {
        return new StripeEvents("charge.succeeded", id);
    }

    public StripeEvents eventId(String eventId) {
        event.put("id", eventId);
        return this;
    }

    public StripeEvents type(String type) {
        event.put("type", type);
        return this;
    }

    /** The event's {@code created}, Unix seconds. */
    public StripeEvents created(long created) {
        event.put("created", created);
        return this;
    }

    /** Moves {@code created} by {@code seconds} from the fixture's. */
    public StripeEvents createdPlus(long seconds) {
        return created(event.path("created").asLong() + seconds);
    }

    /** The object's {@code status}. */
    public StripeEvents status(String status) {
        object().put("status", status);
        return this;
    }

    /** A field of {@code data.object}. */
    public StripeEvents field(String name, String value) {
        object().put(name, value);
        return this;
    }

    public StripeEvents field(String name, long value) {
        object().put(name, value);
        return this;
    }

    public StripeEvents field(String name, BigDecimal value) {
        object().put(name, value);
        return this;
    }

    public byte[] bytes() {
        try {
            return JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ObjectNode object() {
        return (ObjectNode) event.path("data").path("object");
    }
}
