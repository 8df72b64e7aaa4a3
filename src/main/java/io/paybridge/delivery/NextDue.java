package io.paybridge.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The moments events this replica handed back (retries, events waiting on a record another turn
 * pushes) come due again: nothing notifies the workers of them, and they should not wait for the
 * poll. Every moment is kept until it passes, not just the earliest: a worker that wakes for the
 * earliest would otherwise forget the next, whose events would wait for the poll.
 */
final class NextDue {

    /**
     * Most moments kept: one a turn at most. Beyond it the latest are let go, and their events wait
     * at most the poll interval.
     */
    static final int MOST_MOMENTS = 4096;

    private final ConcurrentSkipListSet<Instant> moments = new ConcurrentSkipListSet<>();
    private final AtomicReference<CompletableFuture<Void>> added = new AtomicReference<>(new CompletableFuture<>());

    void add(Instant due) {
        moments.add(due);
        if (moments.size() > MOST_MOMENTS) {
            moments.pollLast();
        }
        added.getAndSet(new CompletableFuture<>()).complete(null);
    }

    /**
     * Done once a moment is added after this call. The worker that hands events back may then wait
     * for its calls still out, so the workers resting look again at {@link #until(Instant)}: taken
     * before that look, it misses no moment.
     */
    CompletableFuture<Void> nextAdded() {
        return added.get().copy();
    }

    /**
     * Zero when a moment has passed since the last call (the moments passed are then let go: their
     * events are due, and the next claim takes them), else until the next moment.
     */
    Duration until(Instant now) {
        boolean passed = false;
        Instant next = moments.ceiling(Instant.MIN);
        while (next != null && !next.isAfter(now)) {
            passed |= moments.remove(next);
            next = moments.higher(next);
        }
        if (passed) {
            return Duration.ZERO;
        }
        return next == null ? Duration.between(now, Instant.MAX) : Duration.between(now, next);
    }
}
