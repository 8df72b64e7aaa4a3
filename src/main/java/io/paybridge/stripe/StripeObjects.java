package io.paybridge.stripe;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import com.stripe.exception.StripeException;
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
    private final String apiBase;

    StripeObjects(StripeApi api, StripeMetrics metrics, StripeConfig config) {
        this.api = api;
        this.metrics = metrics;
        // stripe-java's timeouts bound connect and read each; this bounds the whole call, a slow
        // trickle of bytes included. The blocked thread is freed by stripe-java's own timeouts.
        this.timeout = config.fetchTimeout();
        this.apiBase = config.apiBase();
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
        Count count = new Count(metrics);
        return Uni.createFrom().item(() -> get(apiKey, path, context, count))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                .onFailure().recoverWithItem(failure -> unexpected(failure, count));
    }

    private StripeFetch get(String apiKey, String path, String context, Count count) {
        try {
            byte[] body = api.get(apiKey, path, context).body().getBytes(StandardCharsets.UTF_8);
            count.of(Outcome.SUCCESS);
            return StripeFetch.fetched(body);
        } catch (StripeException refused) {
            return refused(refused, count);
        }
    }

    private StripeFetch refused(StripeException refused, Count count) {
        Outcome outcome = Outcome.of(refused);
        count.of(outcome);
        return switch (outcome) {
            case TIMEOUT, CONNECTION_ERROR -> StripeFetch.retry(StripeErrors.describe(StripeErrors.withApiBase(refused, apiBase)));
            case RATE_LIMITED, SERVER_ERROR -> StripeFetch.retry(error(refused));
            default -> StripeFetch.failed(error(refused));
        };
    }

    private static String error(StripeException refused) {
        return refused.getStripeError() == null ? "Stripe " + refused.getStatusCode() + ": " + refused.getMessage()
                : stripeMessage(refused);
    }

    private static String stripeMessage(StripeException refused) {
        StringBuilder error = new StringBuilder("Stripe ").append(refused.getStatusCode());
        if (refused.getCode() != null) {
            error.append(' ').append(refused.getCode());
        }
        String message = refused.getStripeError().getMessage();
        return message == null ? error.toString() : error.append(": ").append(message).toString();
    }

    /** A timeout of the whole call, or a fault of ours: retried like a lost connection. */
    private StripeFetch unexpected(Throwable failure, Count count) {
        if (failure instanceof TimeoutException) {
            count.of(Outcome.TIMEOUT);
            return StripeFetch.retry("Stripe at " + apiBase + ": no answer within " + timeout.toMillis() + " ms");
        }
        count.of(Outcome.CONNECTION_ERROR);
        return StripeFetch.retry("Stripe fetch failed: " + failure);
    }

    /**
     * Counts a call once: when the whole call times out, the blocked request still ends later (on
     * stripe-java's own timeout, or with an answer nobody waits for) and must not count again.
     */
    private static final class Count {
        private final StripeMetrics metrics;
        private final java.util.concurrent.atomic.AtomicBoolean counted = new java.util.concurrent.atomic.AtomicBoolean();

        Count(StripeMetrics metrics) {
            this.metrics = metrics;
        }

        void of(Outcome outcome) {
            if (counted.compareAndSet(false, true)) {
                metrics.request(Purpose.FETCH, outcome);
            }
        }
    }
}
