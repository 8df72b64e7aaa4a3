package io.paybridge.backfill;

import java.time.Instant;
import java.util.List;

/**
 * Which events to ask the Stripe Events API for.
 *
 * @param since                 events created at or after this time
 * @param failedDeliveriesOnly  only events whose webhook deliveries have not all succeeded
 *                              ({@code delivery_success=false}): still being retried by Stripe, or
 *                              given up. Few when webhooks flow, so a cheap listing.
 * @param types                 only events of these types, empty for every type: one type or one
 *                              group such as {@code invoice.*} (Stripe's {@code type}), or up to
 *                              {@value #MAX_TYPES} exact types (Stripe's {@code types}), as Stripe
 *                              takes either but not both
 */
public record EventListing(Instant since, boolean failedDeliveriesOnly, List<String> types) {

    /** The most types Stripe filters one listing by. */
    public static final int MAX_TYPES = 20;

    public EventListing {
        types = List.copyOf(types);
        if (types.size() > MAX_TYPES) {
            throw new IllegalArgumentException("Stripe lists at most " + MAX_TYPES + " types at once, not " + types.size());
        }
        if (types.size() > 1 && types.stream().anyMatch(type -> type.contains("*"))) {
            throw new IllegalArgumentException("a group such as invoice.* must be listed alone: " + types);
        }
    }

    public static EventListing all(Instant since) {
        return new EventListing(since, false, List.of());
    }

    public static EventListing failedDeliveries(Instant since) {
        return new EventListing(since, true, List.of());
    }

    /** The same listing, of these types only. */
    public EventListing ofTypes(List<String> only) {
        return new EventListing(since, failedDeliveriesOnly, only);
    }
}
