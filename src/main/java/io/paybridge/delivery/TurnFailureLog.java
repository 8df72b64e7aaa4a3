package io.paybridge.delivery;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What the log says of failed turns, without burying it: the first failure of a run of them at
 * once, then at most one line per interval with how many followed, and one line when a turn ends
 * well again. A database outage fails every worker's turn several times a second: the fault
 * suite's 20-second outage wrote 356 warnings before this.
 */
final class TurnFailureLog {

    static final Duration REPEAT_EVERY = Duration.ofSeconds(30);

    private final LongSupplier nanoTime;
    private long failedInARow;
    private long unreported;
    private long firstFailedAt;
    private long reportedAt;

    TurnFailureLog(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** @return the warning to log for this failure, if any is due */
    synchronized Optional<String> failed(String causes) {
        long now = nanoTime.getAsLong();
        failedInARow++;
        if (failedInARow == 1) {
            firstFailedAt = now;
            reportedAt = now;
            return Optional.of("Delivery turn failed, trying again: " + causes);
        }
        unreported++;
        if (now - reportedAt < REPEAT_EVERY.toNanos()) {
            return Optional.empty();
        }
        String line = "Delivery turns still failing: %d more since the last report, %d in a row over %s; latest: %s"
                .formatted(unreported, failedInARow, since(firstFailedAt, now), causes);
        unreported = 0;
        reportedAt = now;
        return Optional.of(line);
    }

    /** @return the line to log when this success ends a run of failures */
    synchronized Optional<String> succeeded() {
        if (failedInARow == 0) {
            return Optional.empty();
        }
        String line = "Delivery turns succeed again after %d failed in a row over %s"
                .formatted(failedInARow, since(firstFailedAt, nanoTime.getAsLong()));
        failedInARow = 0;
        unreported = 0;
        return Optional.of(line);
    }

    private static Duration since(long start, long now) {
        return Duration.ofMillis(Duration.ofNanos(now - start).toMillis());
    }
}
