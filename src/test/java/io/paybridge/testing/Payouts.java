package io.paybridge.testing;

import static io.paybridge.testing.Webhooks.postSigned;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.paybridge.testing.TestDatabase.Delivery;

/**
 * Payout events of the default account, each of a payout of its own: the delivery tests' smallest
 * unit of work, one event, one record, isolated from every other test by its id.
 */
public final class Payouts {

    private Payouts() {
    }

    public static String newPayoutId() {
        return "po_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** Posts a payout event (id {@code evt_<payout id>}) of a new payout; returns the payout id. */
    public static String postPayout() {
        return postPayout(newPayoutId());
    }

    /** Posts the payout event (id {@code evt_<payout id>}) of this payout; returns the payout id. */
    public static String postPayout(String id) {
        postSigned(StripeEvents.payout(id).field("currency", "usd").field("amount", 12345).bytes()).statusCode(200);
        return id;
    }

    /** Posts the events of {@code count} new payouts whose ids contain {@code tag}; returns their ids. */
    public static List<String> postPayouts(String tag, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(postPayout("po_" + i + "_" + tag));
        }
        return ids;
    }

    /** The delivery of the event that {@link #postPayout(String)} stored for this payout. */
    public static Delivery delivery(String payoutId) {
        return TestDatabase.delivery("default", "evt_" + payoutId).orElseThrow();
    }
}
