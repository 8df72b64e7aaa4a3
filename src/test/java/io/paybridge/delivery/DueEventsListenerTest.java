package io.paybridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.Cancellable;
import org.junit.jupiter.api.Test;

/** The signal the resting workers wait on, without a database: notifications are handed in directly. */
class DueEventsListenerTest {

    private final DueEventsListener listener = new DueEventsListener(null);

    @Test
    void aNotificationAfterTheSignalWasTakenCompletesItEvenBeforeItIsAwaited() {
        Uni<Void> signal = listener.nextNotification();

        listener.wakeUp();

        signal.subscribe().withSubscriber(UniAssertSubscriber.create()).assertCompleted();
        assertThat(listener.resting()).isZero();
    }

    @Test
    void aNotificationBeforeTheSignalWasTakenDoesNotCompleteIt() {
        listener.wakeUp();
        UniAssertSubscriber<Void> resting = listener.nextNotification()
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        resting.assertNotTerminated();
        listener.wakeUp();

        resting.assertCompleted();
    }

    @Test
    void oneNotificationWakesEveryRestingWorker() {
        List<UniAssertSubscriber<Void>> workers = new ArrayList<>();
        for (int worker = 0; worker < 4; worker++) {
            workers.add(listener.nextNotification().subscribe().withSubscriber(UniAssertSubscriber.create()));
        }
        assertThat(listener.resting()).isEqualTo(4);

        listener.wakeUp();

        workers.forEach(UniAssertSubscriber::assertCompleted);
        assertThat(listener.resting()).isZero();
    }

    @Test
    void restsThatEndWithoutANotificationLeaveNothingBehind() {
        // A replica that hears nothing for a day rests once a poll interval per worker.
        for (int rest = 0; rest < 10_000; rest++) {
            Cancellable waiting = listener.nextNotification().subscribe().with(ignored -> {
            });
            waiting.cancel();
        }
        AtomicInteger timedOut = new AtomicInteger();
        listener.nextNotification()
                .ifNoItem().after(Duration.ofMillis(5)).recoverWithItem(() -> {
                    timedOut.incrementAndGet();
                    return null;
                })
                .await().atMost(Duration.ofSeconds(10));

        assertThat(timedOut).hasValue(1);
        assertThat(listener.resting()).isZero();
    }
}
