package io.paybridge.stripe;

import java.time.Duration;

import io.paybridge.app.ConfigBounds;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The Stripe API, used by {@code backfill}, the reconciliation sweep and delivery for thin events:
 * {@code paybridge.stripe.*}. API keys are per account,
 * {@code paybridge.accounts.<name>.api-key}.
 */
@ConfigMapping(prefix = "paybridge.stripe")
public interface StripeConfig {

    /** Base URL of the Stripe API; tests point it at a fake. */
    @WithDefault("https://api.stripe.com")
    String apiBase();

    /** Events per page of the Events API (Stripe allows 1 to 100). */
    @WithDefault("100")
    int pageSize();

    /**
     * Network retries stripe-java makes on connection errors, 409 and 5xx, with its own backoff. It
     * retries a 429 only when Stripe says so ({@code Stripe-Should-Retry}); the sweep waits out the
     * others itself ({@code paybridge.reconcile.rate-limit-*}).
     */
    @WithDefault("3")
    int maxNetworkRetries();

    /** Read timeout of each Stripe call. */
    @WithDefault("30s")
    Duration timeout();

    /**
     * Connect and read timeout of delivery's fetch of the object a thin event names. Short: the
     * fetch runs inside a delivery turn, and a failed one is retried with the event's backoff.
     */
    @WithDefault("10s")
    Duration fetchTimeout();

    /**
     * Fetches of thin events' objects in flight at once per delivery turn. Stripe limits an
     * account's read requests a second, shared with its other integrations: a fetch answered 429 is
     * retried with the event's backoff.
     */
    @WithDefault("4")
    int fetchConcurrency();

    /** The bounds of these properties, checked as the configuration is read (config/ConfigChecks). */
    static void check(StripeConfig stripe, ConfigBounds bounds) {
        bounds.between("page-size", stripe.pageSize(), 1, 100);
        bounds.between("max-network-retries", stripe.maxNetworkRetries(), 0, 10);
        bounds.between("fetch-concurrency", stripe.fetchConcurrency(), 1, 64);
    }
}
