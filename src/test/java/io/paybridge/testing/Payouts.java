package io.paybridge.testing;

import static io.paybridge.testing.Webhooks.postSigned;

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

    /** The delivery of the event that {@link #postPayout(String)} stored for this payout. */
    public static Delivery delivery(String payoutId) {
        return TestDatabase.delivery("default", "evt_" + payoutId).orElseThrow();
    }
}
