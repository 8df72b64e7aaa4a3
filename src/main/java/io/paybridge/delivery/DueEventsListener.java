package io.paybridge.delivery;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.paybridge.event.DueEventsSignal;
import io.smallrye.mutiny.Uni;
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
    private final AtomicReference<CompletableFuture<Void>> next = new AtomicReference<>(new CompletableFuture<>());
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
        // A copy per waiter: a waiter that gives up cancels its copy, never the signal others wait on.
        CompletableFuture<Void> signal = next.get().copy();
        return Uni.createFrom().completionStage(signal);
    }

    void wakeUp() {
        next.getAndSet(new CompletableFuture<>()).complete(null);
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
