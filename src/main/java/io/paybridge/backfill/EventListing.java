package io.paybridge.backfill;

import java.time.Instant;

/**
 * Which events to ask the Stripe Events API for.
 *
 * @param since                 events created at or after this time
 * @param failedDeliveriesOnly  only events whose webhook deliveries have not all succeeded
 *                              ({@code delivery_success=false}): still being retried by Stripe, or
 *                              given up. Few when webhooks flow, so a cheap listing.
 */
public record EventListing(Instant since, boolean failedDeliveriesOnly) {

    public static EventListing all(Instant since) {
        return new EventListing(since, false);
    }

    public static EventListing failedDeliveries(Instant since) {
        return new EventListing(since, true);
    }
}
