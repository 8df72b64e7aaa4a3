package io.paybridge.stripe;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.StripeException;
import io.paybridge.ops.StripeConfig;
import io.paybridge.stripe.StripeMetrics.Outcome;
import io.paybridge.stripe.StripeMetrics.Purpose;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Fetches Stripe objects by their API path, as delivery needs them for thin events: off the event
 * loop, bounded in time, every outcome classified (never a failed Uni) and counted. Retrying is the
 * pipeline's: a failed fetch comes back with the event's backoff rather than holding a turn.
 */
@ApplicationScoped
public class StripeObjects {

    private final StripeApi api;
    private final StripeMetrics metrics;
    private final Duration timeout;

    StripeObjects(StripeApi api, StripeMetrics metrics, StripeConfig config) {
        this.api = api;
        this.metrics = metrics;
        // stripe-java's timeouts bound connect and read each; this bounds the whole call, a slow
        // trickle of bytes included. The blocked thread is freed by stripe-java's own timeouts.
        this.timeout = config.fetchTimeout();
    }

    /** The longest a fetch can take. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * @param path    {@code related_object.url} of a thin event
     * @param context the connected account of the event, or null
     */
    public Uni<StripeFetch> fetch(String apiKey, String path, String context) {
        return Uni.createFrom().item(() -> get(apiKey, path, context))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                .onFailure().recoverWithItem(this::unexpected);
    }

    private StripeFetch get(String apiKey, String path, String context) {
        try {
            byte[] body = api.get(apiKey, path, context).body().getBytes(StandardCharsets.UTF_8);
            metrics.request(Purpose.FETCH, Outcome.SUCCESS);
            return StripeFetch.fetched(body);
        } catch (StripeException refused) {
            return refused(refused);
        }
    }

    private StripeFetch refused(StripeException refused) {
        Integer status = refused.getStatusCode();
        String error = refused.getStripeError() == null ? "Stripe " + status + ": " + refused.getMessage()
                : stripeMessage(refused);
        if (status == null || refused instanceof ApiConnectionException) {
            Outcome outcome = isTimeout(refused) ? Outcome.TIMEOUT : Outcome.CONNECTION_ERROR;
            metrics.request(Purpose.FETCH, outcome);
            // stripe-java's message around the cause is a paragraph of advice; the cause says what happened.
            Throwable cause = refused.getCause() == null ? refused : refused.getCause();
            return StripeFetch.retry("Stripe " + outcome.label().replace('_', ' ') + ": " + cause.getMessage());
        }
        if (status == 429) {
            metrics.request(Purpose.FETCH, Outcome.RATE_LIMITED);
            return StripeFetch.retry(error);
        }
        if (status >= 500 || status == 409) {
            metrics.request(Purpose.FETCH, Outcome.SERVER_ERROR);
            return StripeFetch.retry(error);
        }
        metrics.request(Purpose.FETCH, status == 404 ? Outcome.NOT_FOUND : Outcome.REJECTED);
        return StripeFetch.failed(error);
    }

    private static String stripeMessage(StripeException refused) {
        StringBuilder error = new StringBuilder("Stripe ").append(refused.getStatusCode());
        if (refused.getCode() != null) {
            error.append(' ').append(refused.getCode());
        }
        String message = refused.getStripeError().getMessage();
        return message == null ? error.toString() : error.append(": ").append(message).toString();
    }

    private static boolean isTimeout(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.SocketTimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** A timeout of the whole call, or a fault of ours: retried like a lost connection. */
    private StripeFetch unexpected(Throwable failure) {
        if (failure instanceof TimeoutException) {
            metrics.request(Purpose.FETCH, Outcome.TIMEOUT);
            return StripeFetch.retry("Stripe timeout: no answer within " + timeout.toMillis() + " ms");
        }
        metrics.request(Purpose.FETCH, Outcome.CONNECTION_ERROR);
        return StripeFetch.retry("Stripe fetch failed: " + failure);
    }
}
