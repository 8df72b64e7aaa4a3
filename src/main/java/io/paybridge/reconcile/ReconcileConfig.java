package io.paybridge.reconcile;

import java.time.Duration;

import io.paybridge.app.ConfigBounds;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The reconciliation sweep: {@code paybridge.reconcile.*}. Once every {@link #every()} for the whole
 * deployment, every account with an API key is compared with the Stripe Events API, and the events
 * Paybridge never received are stored as {@code backfill} stores them.
 */
@ConfigMapping(prefix = "paybridge.reconcile")
public interface ReconcileConfig {

    /**
     * How often the deployment sweeps, however many replicas run (one sweeps, the others skip).
     * {@code 0} turns the scheduled sweep off ({@code POST /admin/reconcile} still runs one).
     */
    @WithDefault("1h")
    Duration every();

    /**
     * How far back each sweep looks. Stripe keeps events 30 days, so at most that (checked at start).
     * Longer than Stripe's three days of webhook retries, so that an event Stripe gave up on is
     * found however late.
     */
    @WithDefault("72h")
    Duration window();

    /**
     * How often an account's events are listed in full (every type), rather than only those whose
     * webhook deliveries failed ({@code delivery_success=false}). A full listing finds what a webhook
     * never attempted (an endpoint disabled for a while, a type it is not subscribed to); it starts
     * where the previous full listing started (less ten minutes), not at the window's start, so its
     * cost follows the events created since. A failed-delivery listing that finds a missing event also
     * triggers one.
     */
    @WithDefault("24h")
    Duration fullEvery();

    /**
     * How long a sweep holds the deployment's lease before another replica may take it over; renewed
     * after every page, so it only runs out when the sweeping replica died or hangs.
     */
    @WithDefault("10m")
    Duration lease();

    /** Retries of a page Stripe answered 429 (rate limited), within one sweep. After them the account's run ends {@code rate_limited} and the next sweep goes on. */
    @WithDefault("3")
    int rateLimitRetries();

    /** Pause before the first such retry; it doubles for each further one. */
    @WithDefault("2s")
    Duration rateLimitBackoff();

    /** The bounds of these properties, checked as the configuration is read (config/ConfigChecks). */
    static void check(ReconcileConfig reconcile, ConfigBounds bounds) {
        bounds.atLeast("every", reconcile.every(), Duration.ZERO);
        bounds.between("window", reconcile.window(), Duration.ofSeconds(1), Duration.ofDays(30));
        bounds.atLeast("full-every", reconcile.fullEvery(), Duration.ZERO);
        bounds.atLeast("lease", reconcile.lease(), Duration.ofSeconds(1));
        bounds.between("rate-limit-retries", reconcile.rateLimitRetries(), 0, 10);
    }
}
