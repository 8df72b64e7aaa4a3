package io.paybridge.delivery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.paybridge.app.RunMode;
import io.paybridge.salesforce.ApiUsageRead;
import io.paybridge.salesforce.Availability;
import io.paybridge.salesforce.SalesforceClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Runs the delivery pipeline for as long as the application runs: one turn after another on each
 * worker, resting when nothing is due (until new events are stored or the poll interval passes)
 * and while Salesforce may not be called (until that may change: the workers of a replica rest
 * until the same moment, or until the org's usage is read, and so resume together). A worker
 * claims and plans its next turn while the calls of the last one are out, and waits for those
 * calls and their settle before it sends its next ones. A turn that
 * does not end within the turn timeout is abandoned so that the next one starts;
 * {@link DeliveryLiveness} reports a pipeline whose turns no longer end. On shutdown the workers take
 * no new turn and the turns in flight end and settle, within {@code paybridge.delivery.shutdown-wait}.
 */
@ApplicationScoped
public class DeliveryLoop {

    private static final Logger LOG = Logger.getLogger(DeliveryLoop.class);
    /** Shortest rest while Salesforce is still unavailable: an end a little early never makes a busy loop. */
    static final Duration MIN_PAUSED_REST = Duration.ofMillis(10);

    private final DeliveryService service;
    private final SalesforceClient salesforce;
    private final DueEventsListener listener;
    private final DeliveryMetrics metrics;
    private final RunMode runMode;
    private final Duration pollInterval;
    private final Duration turnTimeout;
    private final Duration shutdownWait;
    private final int workers;
    private final List<Cancellable> running = new CopyOnWriteArrayList<>();
    private final CountDownLatch workersEnded;
    private volatile boolean stopping;
    private final TurnFailureLog failures = new TurnFailureLog(System::nanoTime);
    /** Each worker's last turn with its calls out: done once they are answered and settled. */
    private final AtomicReferenceArray<CompletableFuture<Void>> callsOut;

    public DeliveryLoop(DeliveryService service, SalesforceClient salesforce, DueEventsListener listener,
            DeliveryMetrics metrics, RunMode runMode, DeliveryConfig config) {
        this.service = service;
        this.salesforce = salesforce;
        this.listener = listener;
        this.metrics = metrics;
        this.runMode = runMode;
        this.pollInterval = config.pollInterval();
        this.turnTimeout = DeliveryService.turnTimeout(config);
        this.shutdownWait = config.shutdownWait();
        this.workers = config.workers();
        this.workersEnded = new CountDownLatch(workers);
        this.callsOut = new AtomicReferenceArray<>(workers);
        for (int worker = 0; worker < workers; worker++) {
            callsOut.set(worker, CompletableFuture.completedFuture(null));
        }
    }

    void start(@Observes StartupEvent startup) {
        if (!salesforce.enabled() || !runMode.serving()) {
            return;
        }
        listener.start();
        metrics.turnEnded();
        for (int worker = 0; worker < workers; worker++) {
            int id = worker;
            running.add(Multi.createBy().repeating().uni(() -> turnOrRest(id)).whilst(ignored -> !stopping)
                    .onCompletion().call(() -> settled(callsOut.get(id)))
                    .onTermination().invoke(workersEnded::countDown)
                    .subscribe().with(
                            ignored -> {
                            },
                            failure -> LOG.error("Delivery pipeline stopped", failure)));
        }
        LOG.infof("Delivery to Salesforce started with %d workers", workers);
    }

    /** Whether the pipeline runs here: delivery enabled and this process serving. */
    boolean running() {
        return !running.isEmpty();
    }

    /** Turns that end later than this mean a stuck pipeline. */
    Duration stuckAfter() {
        return turnTimeout.multipliedBy(3);
    }

    /** Since a turn last ended, here; {@link DeliveryMetrics} keeps the time for its gauge. */
    Duration lastTurnAge() {
        return metrics.lastTurnAge();
    }

    /**
     * The org's usage was read while the budget was spent: it may have fallen, and the workers
     * resting on it would otherwise only look at their next wake.
     */
    void usageRead(@Observes ApiUsageRead read) {
        listener.wakeUp();
    }

    /**
     * Cancelling a turn would leave its claims to wait out their lease (a call may still be in flight,
     * so they cannot be given back): the workers stop taking turns, the resting ones are woken, and
     * those in a turn end it first, its calls answered and settled.
     */
    void stop(@Observes ShutdownEvent shutdown) {
        if (running.isEmpty()) {
            return;
        }
        stopping = true;
        listener.wakeUp();
        if (awaitWorkersEnded()) {
            LOG.info("Delivery stopped: the turns in flight ended and settled");
        } else {
            LOG.warnf("Delivery turns still running %s after shutdown began: abandoned, their claims come back "
                    + "after their lease", shutdownWait);
        }
        running.forEach(Cancellable::cancel);
        listener.stop();
    }

    private boolean awaitWorkersEnded() {
        try {
            return workersEnded.await(shutdownWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * A turn that cannot end or stop the loop: whatever goes wrong, the next turn follows, and no
     * step (turn or rest) can last longer than its own deadline.
     */
    private Uni<Integer> turnOrRest(int worker) {
        if (stopping) {
            return Uni.createFrom().item(0);
        }
        // Past the turn's own timeout, that of the worker's turn before, and a full rest: only a
        // defect gets here.
        Duration deadline = turnTimeout.multipliedBy(3).plus(pollInterval);
        return turn(worker)
                .ifNoItem().after(deadline).failWith(() -> new TurnTimedOut(deadline))
                .onFailure().invoke(failure -> LOG.error("Delivery turn failed unexpectedly", failure))
                .onFailure().recoverWithItem(0);
    }

    /** @return how many events the turn claimed */
    private Uni<Integer> turn(int worker) {
        Uni<Void> wakeUp = listener.nextNotification();
        // Read after taking the notification: stop() sets the flag before it wakes, so a stop that
        // came in between is seen here rather than after a whole rest.
        if (stopping) {
            return Uni.createFrom().item(0);
        }
        Availability availability = salesforce.availability();
        if (availability != Availability.AVAILABLE) {
            metrics.turnEnded();
            return restWhile(availability, wakeUp);
        }
        long startedAt = System.nanoTime();
        return service.start(worker)
                .ifNoItem().after(turnTimeout).failWith(() -> new TurnTimedOut(turnTimeout))
                .invoke(this::endedIfNothingClaimed)
                .onFailure().invoke(this::ended)
                .onFailure().recoverWithItem(DeliveryService.StartedTurn.NOTHING_DUE)
                .chain(started -> started.claimed() == 0
                        ? nothingClaimed(worker, wakeUp)
                        : sendCalls(worker, started, startedAt));
    }

    /**
     * Rests, and wakes up too when the worker's turn still out settles: the records it held are free
     * again for the events that waited on them.
     */
    private Uni<Integer> nothingClaimed(int worker, Uni<Void> wakeUp) {
        CompletableFuture<Void> out = callsOut.get(worker);
        if (out.isDone()) {
            return rest(wakeUp);
        }
        return rest(Uni.join().first(wakeUp, settled(out)).withItem());
    }

    /** Waits for a turn's settle; cancelling the wait leaves the turn be. */
    private static Uni<Void> settled(CompletableFuture<Void> out) {
        return Uni.createFrom().completionStage(out::copy);
    }

    private void endedIfNothingClaimed(DeliveryService.StartedTurn started) {
        if (started.claimed() == 0) {
            ended(null);
        }
    }

    /**
     * Lets the turn's calls go and returns once the worker's turn before has settled: the worker
     * then claims and plans its next turn while these calls are in flight. Without it the last
     * events of a backlog waited, claimed by no one, for a worker to settle: a replay of 10,000
     * events ended on one turn alone for its last 0.3 s, one core idle (2026-12-07, docs/benchmarks.md).
     * At most two turns of a worker have calls out, each within the turn timeout from its start.
     */
    private Uni<Integer> sendCalls(int worker, DeliveryService.StartedTurn started, long startedAt) {
        Duration left = Duration.ofNanos(Math.max(turnTimeout.toNanos() - (System.nanoTime() - startedAt), 1_000_000));
        CompletableFuture<Void> out = new CompletableFuture<>();
        CompletableFuture<Void> before = callsOut.getAndSet(worker, out);
        started.callsAndSettle()
                .ifNoItem().after(left).failWith(() -> new TurnTimedOut(turnTimeout))
                .onItem().invoke(() -> ended(null))
                .onFailure().invoke(this::ended)
                .subscribe().with(ignored -> out.complete(null), failure -> out.complete(null));
        return settled(before)
                .replaceWith(started.claimed());
    }

    private void ended(Throwable failure) {
        if (failure instanceof TurnTimedOut) {
            LOG.warnf("Delivery turn abandoned after %s: its claims come back after their lease", turnTimeout);
            return;
        }
        metrics.turnEnded();
        if (failure == null) {
            failures.succeeded().ifPresent(LOG::info);
            return;
        }
        // The database being away is the usual cause; the turn gave its claims back.
        failures.failed(causeChain(failure)).ifPresent(LOG::warn);
    }

    /**
     * Every cause's class and message, outermost first: a wrapper such as an {@link Error} around
     * an {@code InvocationTargetException} says nothing by itself, and a stack trace on every
     * failed turn of a database outage would bury the log.
     */
    static String causeChain(Throwable failure) {
        StringBuilder chain = new StringBuilder(failure.toString());
        Throwable cause = failure.getCause();
        // Bounded: a cause chain can be made to loop.
        for (int depth = 0; cause != null && depth < 8; depth++) {
            chain.append(" <- caused by ").append(cause);
            cause = cause.getCause();
        }
        return chain.toString();
    }

    /**
     * Until new events are stored, one of this replica's retries comes due, or the poll interval
     * passes (another replica's retries, a notification lost while not listening).
     */
    private Uni<Integer> rest(Uni<Void> wakeUp) {
        long endNanos = System.nanoTime() + pollInterval.toNanos();
        return Multi.createBy().repeating().uni(() -> restStep(endNanos, wakeUp))
                .whilst(lookAgain -> lookAgain)
                .collect().last()
                .replaceWith(0);
    }

    /**
     * Events handed back during the rest shorten it: the worker that handed them back may be waiting
     * for its calls still out, and would leave them to the poll. The end stays: a rest never
     * outlasts the poll interval.
     *
     * @return whether to look again at when this replica's next events are due
     */
    private Uni<Boolean> restStep(long endNanos, Uni<Void> wakeUp) {
        Uni<Boolean> handedBack = Uni.createFrom().completionStage(service.handedBackLater())
                .replaceWith(true);
        Duration wait = shorter(Duration.ofNanos(endNanos - System.nanoTime()), service.untilNextDue());
        if (wait.toMillis() < 1) {
            // Timers take whole milliseconds: a shorter wait is no wait.
            return Uni.createFrom().item(false);
        }
        return Uni.join().first(wakeUp.replaceWith(false), handedBack).withItem()
                .ifNoItem().after(wait).recoverWithItem(false);
    }

    /**
     * Until Salesforce may be available again (the circuit's delay, the limit pause, the next read of
     * the org's usage, whose answer wakes every worker), new events are stored, or the poll interval
     * passes; never less than {@link #MIN_PAUSED_REST}.
     */
    private Uni<Integer> restWhile(Availability availability, Uni<Void> wakeUp) {
        Duration wait = atMostPollInterval(salesforce.mayChangeIn(availability));
        return restAtMost(wait.compareTo(MIN_PAUSED_REST) < 0 ? MIN_PAUSED_REST : wait, wakeUp);
    }

    private Duration atMostPollInterval(Duration wait) {
        return shorter(wait, pollInterval);
    }

    private static Duration shorter(Duration one, Duration other) {
        return one.compareTo(other) < 0 ? one : other;
    }

    /** @return no events claimed, once woken or after {@code wait} */
    private static Uni<Integer> restAtMost(Duration wait, Uni<Void> wakeUp) {
        return wakeUp
                .ifNoItem().after(wait).recoverWithItem((Void) null)
                .replaceWith(0);
    }

    /** A turn that outlived the turn timeout. */
    static final class TurnTimedOut extends RuntimeException {
        TurnTimedOut(Duration timeout) {
            super("delivery turn still running after " + timeout);
        }
    }
}
