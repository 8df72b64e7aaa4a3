package io.paybridge.backfill;

import java.time.Duration;

/**
 * How a listing waits out Stripe's 429 (rate limited), which stripe-java does not retry by itself:
 * up to {@code retries} more tries of the same page, {@code first} before the first, doubling.
 */
public record RateLimitBackoff(int retries, Duration first) {

    /** A 429 fails the listing at once. */
    public static final RateLimitBackoff NONE = new RateLimitBackoff(0, Duration.ZERO);

    /** The pause before retry number {@code retry} (from 0). */
    Duration delay(int retry) {
        return first.multipliedBy(1L << Math.min(retry, 10));
    }
}
