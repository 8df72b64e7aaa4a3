package io.paybridge.delivery;

import java.util.Comparator;
import java.util.Map;

/**
 * Where an event stands in its object's history: creation time, then how far along the object's
 * status is, then the event id. Stripe sends out of order and several events share a second;
 * comparing by this key makes every order of arrival end in the same state.
 *
 * @param created the event's creation time in epoch milliseconds (thin events carry them)
 */
public record OrderingKey(long created, int rank, String eventId) implements Comparable<OrderingKey> {

    private static final Comparator<OrderingKey> ORDER = Comparator.comparingLong(OrderingKey::created)
            .thenComparingInt(OrderingKey::rank)
            .thenComparing(OrderingKey::eventId);

    /** Status ranks of SPEC 2, low to high; statuses not listed and other objects rank 0. */
    private static final Map<String, Map<String, Integer>> RANKS = Map.of(
            "invoice", Map.of("draft", 1, "open", 2, "paid", 3, "void", 3, "uncollectible", 3),
            "payment_intent", Map.of("requires_payment_method", 1, "requires_confirmation", 2,
                    "requires_action", 3, "processing", 4, "requires_capture", 5, "succeeded", 6, "canceled", 6),
            "charge", Map.of("pending", 1, "failed", 2, "succeeded", 2),
            "payout", Map.of("pending", 1, "in_transit", 2, "paid", 3, "failed", 3, "canceled", 3),
            "invoice_payment", Map.of("open", 1, "paid", 2, "canceled", 2));

    public static OrderingKey of(long created, String objectType, String objectStatus, String eventId) {
        return new OrderingKey(created, rank(objectType, objectStatus), eventId);
    }

    public static int rank(String objectType, String objectStatus) {
        if (objectType == null || objectStatus == null) {
            return 0;
        }
        return RANKS.getOrDefault(objectType, Map.of()).getOrDefault(objectStatus, 0);
    }

    public boolean isNewerThan(OrderingKey other) {
        return other == null || compareTo(other) > 0;
    }

    /**
     * Newer than, or the very event that set, a watermark: a replayed event that is still the newest
     * of its record is pushed again (repairing a record edited or deleted in Salesforce), while an
     * older one stays superseded.
     */
    public boolean isNotOlderThan(OrderingKey other) {
        return other == null || compareTo(other) >= 0;
    }

    @Override
    public int compareTo(OrderingKey other) {
        return ORDER.compare(this, other);
    }
}
