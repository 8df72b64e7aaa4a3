package io.paybridge.stripe;

import java.util.Locale;

import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.StripeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
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

        /** How a call that stripe-java ended with {@code refused} went. */
        public static Outcome of(StripeException refused) {
            Integer status = refused.getStatusCode();
            if (status == null || refused instanceof ApiConnectionException) {
                return isTimeout(refused) ? TIMEOUT : CONNECTION_ERROR;
            }
            if (status == 429) {
                return RATE_LIMITED;
            }
            if (status >= 500 || status == 409) {
                return SERVER_ERROR;
            }
            return status == 404 ? NOT_FOUND : REJECTED;
        }

        private static boolean isTimeout(Throwable failure) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof java.net.SocketTimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Meter.MeterProvider<Counter> requests;

    public StripeMetrics(MeterRegistry registry) {
        this.requests = Counter.builder("paybridge.stripe.requests")
                .description("Stripe API calls, by purpose and outcome")
                .withRegistry(registry);
    }

    /** Counts one Stripe call. */
    public void request(Purpose purpose, Outcome outcome) {
        requests.withTags("purpose", purpose.label(), "outcome", outcome.label()).increment();
    }
}
