package io.paybridge.intake;

import java.time.Duration;

import io.paybridge.app.ConfigBounds;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How the webhook endpoint accepts and stores Stripe events.
 */
@ConfigMapping(prefix = "paybridge.intake")
public interface IntakeConfig {

    /**
     * How far the signature timestamp may lie from this server's clock, in the past or the future.
     * Stripe's libraries use five minutes; zero is refused because it would disable the replay check.
     */
    @WithDefault("5m")
    Duration tolerance();

    /**
     * Largest request body accepted. Counted while the body arrives, so an oversized request is
     * refused before it is buffered.
     */
    @WithDefault("1M")
    MemorySize maxBodySize();

    /**
     * Longest a request waits for its event to be committed before it is answered 503, so that
     * Stripe retries instead of timing out. An insert still running at nine tenths of it is
     * cancelled, so that the 503 leaves nothing stored.
     */
    @WithDefault("5s")
    Duration storeTimeout();

    /**
     * Longest the whole body may take to arrive once the headers are in. Cuts off senders that
     * trickle bytes to hold a connection open.
     */
    @WithDefault("10s")
    Duration readTimeout();

    /**
     * Most events written by one multi-row insert. Requests arriving while a commit runs wait for
     * the next one and share it.
     */
    @WithDefault("256")
    int maxBatchSize();

    /**
     * Most inserts running at once. With one, the next batch forms while the current one commits
     * and takes everything that arrived meanwhile. A second insert at once halved the batches and
     * cost PostgreSQL about half as much CPU again per event, which on a machine the database shares
     * with the service left fewer events a second and a longer tail (docs/benchmarks.md). A database
     * on a host of its own, far in round trips, may gain from two.
     */
    @WithDefault("1")
    int maxConcurrentBatches();

    /**
     * Most events waiting for a commit. Beyond it the endpoint answers 503 at once rather than
     * letting memory grow while the database is slow or away.
     */
    @WithDefault("10000")
    int maxQueuedEvents();

    /** The bounds of these properties, checked as the configuration is read (config/ConfigChecks). */
    static void check(IntakeConfig intake, ConfigBounds bounds) {
        bounds.between("max-batch-size", intake.maxBatchSize(), 1, 5000);
        bounds.between("max-concurrent-batches", intake.maxConcurrentBatches(), 1, 64);
        bounds.atLeast("max-queued-events", intake.maxQueuedEvents(), 1);
    }
}
