package io.paybridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class NextDueTest {

    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

    private final NextDue nextDue = new NextDue();

    @Test
    void aMomentAddedEndsTheWaitsTakenBeforeItOnly() {
        var takenBefore = nextDue.nextAdded();

        nextDue.add(T0.plusMillis(200));
        var takenAfter = nextDue.nextAdded();

        assertThat(takenBefore).isDone();
        assertThat(takenAfter).isNotDone();
    }

    @Test
    void aWaitGivenUpLeavesTheOthersWaiting() {
        var givenUp = nextDue.nextAdded();
        var waiting = nextDue.nextAdded();

        givenUp.cancel(false);
        nextDue.add(T0.plusMillis(200));

        assertThat(waiting).isDone();
        assertThat(nextDue.nextAdded()).isNotDone();
    }

    @Test
    void waitsUntilTheEarliestMoment() {
        nextDue.add(T0.plusMillis(500));
        nextDue.add(T0.plusMillis(200));
        nextDue.add(T0.plusMillis(900));

        assertThat(nextDue.until(T0)).isEqualTo(Duration.ofMillis(200));
        assertThat(nextDue.until(T0.plusMillis(150))).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void aMomentPassedIsTakenOnceThenTheNextIsWaitedFor() {
        nextDue.add(T0.plusMillis(200));
        nextDue.add(T0.plusMillis(500));

        assertThat(nextDue.until(T0.plusMillis(200))).isZero();
        assertThat(nextDue.until(T0.plusMillis(210))).isEqualTo(Duration.ofMillis(290));
        assertThat(nextDue.until(T0.plusMillis(600))).isZero();
        assertThat(nextDue.until(T0.plusMillis(601))).isGreaterThan(Duration.ofDays(365));
    }

    @Test
    void momentsAllPassedAreTakenAtOnce() {
        nextDue.add(T0.plusMillis(100));
        nextDue.add(T0.plusMillis(200));
        nextDue.add(T0.plusMillis(900));

        assertThat(nextDue.until(T0.plusMillis(300))).isZero();
        assertThat(nextDue.until(T0.plusMillis(300))).isEqualTo(Duration.ofMillis(600));
    }

    @Test
    void aMomentAddedOnceTheEarliestHasPassedIsNotForgottenWithIt() {
        nextDue.add(T0.plusMillis(200));
        // Another worker hands events back after the first moment passed, before any rest took it.
        nextDue.add(T0.plusMillis(500));

        assertThat(nextDue.until(T0.plusMillis(300))).isZero();
        assertThat(nextDue.until(T0.plusMillis(300))).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void keepsTheEarliestMomentsWhenThereAreTooMany() {
        for (int i = NextDue.MOST_MOMENTS; i >= 0; i--) {
            nextDue.add(T0.plusMillis(1 + i));
        }

        assertThat(nextDue.until(T0)).isEqualTo(Duration.ofMillis(1));
        assertThat(nextDue.until(T0.plusMillis(NextDue.MOST_MOMENTS))).isZero();
        assertThat(nextDue.until(T0.plusMillis(NextDue.MOST_MOMENTS))).isGreaterThan(Duration.ofDays(365));
    }

    @Test
    void nothingAddedMeansNothingToWaitFor() {
        assertThat(nextDue.until(T0)).isGreaterThan(Duration.ofDays(365));
    }
}
