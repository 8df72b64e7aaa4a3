package io.paybridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class TurnFailureLogTest {

    private static final String REFUSED = "java.net.ConnectException: Connection refused";

    private long now;
    private final TurnFailureLog log = new TurnFailureLog(() -> now);

    @Test
    void anOutageOfTwentySecondsLogsOneWarningAndOneRecovery() {
        List<String> lines = new ArrayList<>();
        // Two workers failing ten times a second each, as in the fault suite's database outage.
        for (int turn = 0; turn < 400; turn++) {
            log.failed(REFUSED).ifPresent(lines::add);
            advance(Duration.ofMillis(50));
        }
        log.succeeded().ifPresent(lines::add);

        assertThat(lines).containsExactly(
                "Delivery turn failed, trying again: " + REFUSED,
                "Delivery turns succeed again after 400 failed in a row over PT20S");
    }

    @Test
    void aLongOutageIsReportedAgainEveryIntervalWithHowManyFailedSince() {
        assertThat(log.failed(REFUSED)).isPresent();
        advance(Duration.ofSeconds(10));
        assertThat(log.failed(REFUSED)).isEmpty();
        advance(TurnFailureLog.REPEAT_EVERY);
        assertThat(log.failed("java.net.ConnectException: Connection reset"))
                .contains("Delivery turns still failing: 2 more since the last report, 3 in a row over PT40S;"
                        + " latest: java.net.ConnectException: Connection reset");
        advance(Duration.ofSeconds(1));
        assertThat(log.failed(REFUSED)).as("reported a second ago").isEmpty();
    }

    @Test
    void successesWithoutFailuresSayNothingAndAFailureAfterARecoveryIsReportedAtOnce() {
        assertThat(log.succeeded()).isEmpty();
        log.failed(REFUSED);
        assertThat(log.succeeded()).isPresent();
        assertThat(log.succeeded()).isEqualTo(Optional.empty());
        advance(Duration.ofSeconds(1));
        assertThat(log.failed(REFUSED)).contains("Delivery turn failed, trying again: " + REFUSED);
    }

    private void advance(Duration duration) {
        now += duration.toNanos();
    }
}
