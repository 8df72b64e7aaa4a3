package io.paybridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

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

    private StripeEvents(String fixture, String objectId) {
        try {
            this.event = (ObjectNode) JSON.readTree(StripeFixtures.bytes(fixture));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        object().put("id", objectId);
        event.put("id", "evt_" + objectId);
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
