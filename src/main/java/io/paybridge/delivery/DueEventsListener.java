package io.paybridge.delivery;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.paybridge.event.DueEventsSignal;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Hears PostgreSQL's {@code paybridge_due_events} notifications ({@link DueEventsSignal} after
 * events are stored, the trigger of B12__schema.sql when they are replayed or given back) and
 * wakes the resting workers, so that a new event is picked up at once rather than after a poll
 * interval. It holds one connection of its own, reconnects by itself, and is only a shortcut:
 * while it is away the poll interval still finds every event.
 */
@ApplicationScoped
public class DueEventsListener {

    private static final Logger LOG = Logger.getLogger(DueEventsListener.class);
    private static final long RECONNECT_MILLIS = 1000;

    private final Vertx vertx;
    /** Notifications heard so far: a waiter that took its signal before the last one is woken at once. */
    private final AtomicLong heard = new AtomicLong();
    /**
     * The workers resting now. Each leaves when it wakes or gives up: signals hung on one shared
     * future stayed attached to it until the next notification, and a replica that heard none for a
     * day held a rest's worth of them for every poll interval (two million held 1.6 GB of heap).
     */
    private final Set<UniEmitter<? super Void>> waiting = ConcurrentHashMap.newKeySet();
    private PgSubscriber subscriber;

    public DueEventsListener(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Starts listening; failures only delay new work by the poll interval, so they are logged, not thrown. */
    void start() {
        Optional<PgConnectOptions> options = connectOptions();
        if (options.isEmpty()) {
            LOG.info("No reactive datasource URL to listen on: delivery finds new events by polling only");
            return;
        }
        subscriber = PgSubscriber.subscriber(vertx, options.get())
                .reconnectPolicy(retries -> RECONNECT_MILLIS);
        subscriber.channel(DueEventsSignal.CHANNEL).handler(ignored -> wakeUp());
        subscriber.connect()
                .subscribe().with(
                        connected -> LOG.debugf("Listening for %s", DueEventsSignal.CHANNEL),
                        failure -> LOG.warnf("Not listening for new events (%s): delivery finds them by polling "
                                + "until the connection comes back", failure.toString()));
    }

    void stop() {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /**
     * A signal that completes at the next notification after this call. Taken before a claim, it
     * also catches a notification that arrives while the claim runs.
     */
    Uni<Void> nextNotification() {
        long taken = heard.get();
        return Uni.createFrom().emitter(emitter -> rest(emitter, taken));
    }

    private void rest(UniEmitter<? super Void> emitter, long taken) {
        waiting.add(emitter);
        emitter.onTermination(() -> waiting.remove(emitter));
        // Checked after joining: a notification from now on finds this waiter in the set.
        if (heard.get() != taken) {
            emitter.complete(null);
        }
    }

    void wakeUp() {
        heard.incrementAndGet();
        waiting.forEach(emitter -> emitter.complete(null));
    }

    /** Workers resting now, for tests. */
    int resting() {
        return waiting.size();
    }

    /** The application's own datasource, as Dev Services or the operator configured it. */
    private static Optional<PgConnectOptions> connectOptions() {
        var config = ConfigProvider.getConfig();
        return config.getOptionalValue("quarkus.datasource.reactive.url", String.class)
                .map(url -> url.replaceFirst("^vertx-reactive:", "").split(",")[0])
                .map(PgConnectOptions::fromUri)
                .map(options -> {
                    config.getOptionalValue("quarkus.datasource.username", String.class).ifPresent(options::setUser);
                    config.getOptionalValue("quarkus.datasource.password", String.class).ifPresent(options::setPassword);
                    config.getOptionalValue("quarkus.datasource.reactive.postgresql.ssl-mode", String.class)
                            .map(mode -> SslMode.of(mode))
                            .ifPresent(options::setSslMode);
                    return options;
                });
    }
}
