package io.paybridge.stripe;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code paybridge_stripe_requests_total{purpose,outcome}}: every call Paybridge makes to the Stripe
 * API, by what it was for and how it ended.
 */
@ApplicationScoped
public class StripeMetrics {

    /** What a Stripe call was for. */
    public enum Purpose {
        /** Delivery fetching the object a thin event names. */
        FETCH,
        /** The reconciliation sweep listing events. */
        RECONCILE,
        /** The {@code backfill} command listing events. */
        BACKFILL;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a Stripe call ended. */
    public enum Outcome {
        SUCCESS,
        /** 404: the object or resource does not exist (any more). */
        NOT_FOUND,
        /** 429. */
        RATE_LIMITED,
        /** 5xx. */
        SERVER_ERROR,
        /** Another 4xx: a wrong key, a missing permission, a bad request. */
        REJECTED,
        /** No answer within the timeout. */
        TIMEOUT,
        /** No connection, or it was lost. */
        CONNECTION_ERROR;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();

    public StripeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts one Stripe call. */
    public void request(Purpose purpose, Outcome outcome) {
        requests.computeIfAbsent(purpose.label() + '/' + outcome.label(), key -> Counter.builder("paybridge.stripe.requests")
                        .description("Stripe API calls, by purpose and outcome")
                        .tag("purpose", purpose.label())
                        .tag("outcome", outcome.label())
                        .register(registry))
                .increment();
    }
}
