package io.paybridge.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retry delays: doubling from the minimum up to the maximum, each drawn between half and all of
 * that step, so that events failed together do not all come back in the same second; never below
 * the minimum, which an operator sets as the shortest wait Salesforce gets.
 */
public final class Backoff {

    private final Duration min;
    private final Duration max;

    public Backoff(Duration min, Duration max) {
        this.min = min;
        this.max = max;
    }

    /** @param attempts attempts made so far, at least one */
    public Duration after(int attempts) {
        long ceiling = ceilingMillis(attempts);
        long floor = Math.max(ceiling / 2, Math.min(min.toMillis(), ceiling));
        return Duration.ofMillis(floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1));
    }

    long ceilingMillis(int attempts) {
        int doublings = Math.max(0, Math.min(attempts - 1, 40));
        long millis = min.toMillis();
        for (int i = 0; i < doublings && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Math.min(millis, max.toMillis());
    }
}
