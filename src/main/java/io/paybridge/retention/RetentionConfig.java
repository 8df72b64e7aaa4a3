package io.paybridge.retention;

import java.time.Duration;

import io.paybridge.app.ConfigBounds;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How long finished events are kept: {@code paybridge.retention.*}. Only {@code delivered} and
 * {@code skipped} events are ever purged; {@code pending}, {@code retrying} and {@code dead} stay
 * until they are done, however old.
 */
@ConfigMapping(prefix = "paybridge.retention")
public interface RetentionConfig {

    /**
     * Delivered and skipped events are purged this long after they finished. Keep it at 30 days or
     * more: Stripe's Events API keeps events 30 days, and a backfill re-stores what is no longer here
     * (harmlessly, as skipped, but with needless work).
     */
    @WithDefault("30d")
    Duration done();

    /** How often a purge runs (each replica; concurrent purges skip each other's rows). */
    @WithDefault("1h")
    Duration every();

    /** Events deleted per statement, so that no purge holds many locks or a long transaction. */
    @WithDefault("1000")
    int batchSize();

    /** Statements per purge at most; the rest waits for the next run. */
    @WithDefault("100")
    int maxBatches();

    /** The bounds of these properties, checked as the configuration is read (config/ConfigChecks). */
    static void check(RetentionConfig retention, ConfigBounds bounds) {
        bounds.between("batch-size", retention.batchSize(), 1, 100000);
        bounds.atLeast("max-batches", retention.maxBatches(), 1);
    }
}
