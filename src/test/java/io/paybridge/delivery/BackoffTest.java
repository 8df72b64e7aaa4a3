package io.paybridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofHours(1));

    @Test
    void doublesFromTheMinimumUpToTheMaximum() {
        assertThat(backoff.ceilingMillis(1)).isEqualTo(1_000);
        assertThat(backoff.ceilingMillis(2)).isEqualTo(2_000);
        assertThat(backoff.ceilingMillis(5)).isEqualTo(16_000);
        assertThat(backoff.ceilingMillis(13)).isEqualTo(3_600_000);
        assertThat(backoff.ceilingMillis(1_000)).isEqualTo(3_600_000);
    }

    @Test
    void drawsEachDelayBetweenHalfAndAllOfItsStepButNeverBelowTheMinimum() {
        for (int attempts = 1; attempts <= 20; attempts++) {
            long ceiling = backoff.ceilingMillis(attempts);
            for (int draw = 0; draw < 50; draw++) {
                assertThat(backoff.after(attempts).toMillis()).isBetween(Math.max(ceiling / 2, 1_000), ceiling);
            }
        }
        assertThat(backoff.after(1)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aMaximumBelowTheMinimumIsTheOnlyDelay() {
        Backoff flat = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1));
        assertThat(flat.after(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(flat.after(7)).isEqualTo(Duration.ofSeconds(1));
    }
}
