package io.paybridge.stripe;

import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.StripeException;

/**
 * Stripe's failures in words an operator can act on. stripe-java's own message for a call that
 * never got an answer names its default host, not the {@code paybridge.stripe.api-base} the call
 * went to, and wraps the cause in a paragraph of advice; such a failure has no HTTP status either.
 */
public final class StripeErrors {

    private StripeErrors() {
    }

    /**
     * A call that got no answer (refused, reset, timed out), as a failure naming where it went and
     * what happened; any other failure as it is.
     */
    public static StripeException withApiBase(StripeException refused, String apiBase) {
        StripeMetrics.Outcome outcome = StripeMetrics.Outcome.of(refused);
        if (outcome != StripeMetrics.Outcome.CONNECTION_ERROR && outcome != StripeMetrics.Outcome.TIMEOUT) {
            return refused;
        }
        Throwable cause = refused.getCause() == null ? refused : refused.getCause();
        String what = outcome == StripeMetrics.Outcome.TIMEOUT ? "no answer in time" : "could not connect";
        return new ApiConnectionException("Stripe at " + apiBase + ": " + what + " (" + cause.getMessage() + ")", cause);
    }

    /** One line: the HTTP status and Stripe's message, or why there was no answer. */
    public static String describe(StripeException refused) {
        if (refused instanceof ApiConnectionException || refused.getStatusCode() == null) {
            return refused.getMessage();
        }
        // stripe-java's messages name the request id and a masked key, never the key itself.
        return "Stripe answered HTTP " + refused.getStatusCode() + ": " + refused.getMessage();
    }
}
