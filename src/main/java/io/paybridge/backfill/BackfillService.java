package io.paybridge.backfill;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.model.Event;
import com.stripe.model.StripeCollection;
import com.stripe.param.EventListParams;
import io.paybridge.accounts.Account;
import io.paybridge.intake.EventEnvelope;
import io.paybridge.intake.EventEnvelopeParser;
import io.paybridge.intake.IntakeRepository;
import io.paybridge.intake.StoreOutcome;
import io.paybridge.stripe.StripeConfig;
import io.paybridge.stripe.StripeErrors;
import io.paybridge.stripe.StripeJson;
import io.paybridge.stripe.StripeMetrics;
import io.paybridge.stripe.StripeMetrics.Outcome;
import io.paybridge.stripe.StripeMetrics.Purpose;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Lists an account's events from the Stripe Events API and stores those Paybridge never received,
 * through the same parser and insert as the webhook path, so a backfilled event is
 * indistinguishable from one that arrived. Events already stored are left alone whatever their state.
 * The {@code backfill} command and the reconciliation sweep ({@code io.paybridge.reconcile}) both
 * store through {@link #listAndStore}.
 */
@ApplicationScoped
public class BackfillService {

    /** Stripe's Events API returns events of the last 30 days only. */
    public static final Duration STRIPE_EVENT_RETENTION = Duration.ofDays(30);

    private static final Logger LOG = Logger.getLogger(BackfillService.class);

    private final IntakeRepository repository;
    private final StripeConfig config;
    private final StripeMetrics metrics;
    private final EventEnvelopeParser parser = new EventEnvelopeParser();

    public BackfillService(IntakeRepository repository, StripeConfig config, StripeMetrics metrics) {
        this.metrics = metrics;
        this.repository = repository;
        this.config = config;
    }

    /**
     * {@code backfill}: every event created since {@code since}. Blocks until every page is stored;
     * for commands and workers, never for an event loop.
     *
     * @throws StripeException when Stripe refuses or cannot be reached after stripe-java's retries
     */
    public BackfillResult backfill(Account account, Instant since) throws StripeException {
        BackfillResult total = listAndStore(account, EventListing.all(since), Purpose.BACKFILL, RateLimitBackoff.NONE, () -> {
        });
        LOG.infof("Backfill of account %s since %s: listed=%d stored=%d present=%d",
                account.name(), since, total.listed(), total.stored(), total.present());
        return total;
    }

    /**
     * The one storing entry point of {@code backfill} and of the reconciliation sweep: lists the
     * events of {@code listing} page by page and stores, page by page, those Paybridge does not
     * have. A failure after some pages leaves those pages stored; listing again is harmless.
     *
     * @param purpose   what the calls are counted as in {@code paybridge_stripe_requests_total}
     * @param backoff   what to do when Stripe answers 429 (stripe-java does not retry it)
     * @param afterPage called after each page is stored (the sweep renews its lease there)
     * @throws StripeException when Stripe refuses or cannot be reached after the retries
     */
    public BackfillResult listAndStore(Account account, EventListing listing, Purpose purpose, RateLimitBackoff backoff,
            Runnable afterPage) throws StripeException {
        StripeClient stripe = client(account);
        BackfillResult total = BackfillResult.NONE;
        String startingAfter = null;
        boolean more = true;
        while (more) {
            StripeCollection<Event> page = listEventsPaced(stripe, listing, startingAfter, purpose, backoff);
            List<byte[]> events = rawEvents(page);
            total = total.plus(store(account, events));
            afterPage.run();
            more = Boolean.TRUE.equals(page.getHasMore()) && !page.getData().isEmpty();
            startingAfter = more ? page.getData().get(page.getData().size() - 1).getId() : null;
        }
        return total;
    }

    private StripeCollection<Event> listEventsPaced(StripeClient stripe, EventListing listing, String startingAfter,
            Purpose purpose, RateLimitBackoff backoff) throws StripeException {
        for (int retry = 0; ; retry++) {
            try {
                return listEvents(stripe, listing, startingAfter, purpose);
            } catch (RateLimitException limited) {
                if (retry >= backoff.retries()) {
                    throw limited;
                }
                pause(backoff.delay(retry));
            }
        }
    }

    /**
     * One call of the Stripe Events API, {@code GET /v1/events}: the single place where Paybridge
     * lists events, and so where a count of Stripe calls belongs.
     */
    StripeCollection<Event> listEvents(StripeClient stripe, EventListing listing, String startingAfter, Purpose purpose)
            throws StripeException {
        try {
            StripeCollection<Event> page = stripe.v1().events().list(pageParams(listing, startingAfter));
            metrics.request(purpose, Outcome.SUCCESS);
            return page;
        } catch (StripeException refused) {
            metrics.request(purpose, Outcome.of(refused));
            throw StripeErrors.withApiBase(refused, config.apiBase());
        }
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting out Stripe's rate limit", e);
        }
    }

    private StripeClient client(Account account) {
        // Callers choose accounts with a key (the command says so to the operator first).
        String apiKey = account.apiKey().orElseThrow(() -> new IllegalStateException(
                "account " + account.name() + " has no API key: set paybridge.accounts." + account.name() + ".api-key"));
        return StripeClient.builder()
                .setApiKey(apiKey)
                .setApiBase(config.apiBase())
                .setMaxNetworkRetries(config.maxNetworkRetries())
                .setReadTimeout((int) config.timeout().toMillis())
                .build();
    }

    private EventListParams pageParams(EventListing listing, String startingAfter) {
        EventListParams.Builder params = EventListParams.builder()
                .setCreated(EventListParams.Created.builder().setGte(listing.since().getEpochSecond()).build())
                .setLimit((long) config.pageSize());
        if (listing.failedDeliveriesOnly()) {
            params.setDeliverySuccess(false);
        }
        if (startingAfter != null) {
            params.setStartingAfter(startingAfter);
        }
        return params.build();
    }

    /**
     * The events of a page as Stripe sent them, from the response body rather than stripe-java's
     * models, which would drop the fields of API versions other than the library's.
     */
    private static List<byte[]> rawEvents(StripeCollection<Event> page) {
        try {
            JsonNode body = StripeJson.MAPPER.readTree(page.getLastResponse().body());
            List<byte[]> events = new ArrayList<>();
            for (JsonNode event : body.path("data")) {
                events.add(StripeJson.MAPPER.writeValueAsBytes(event));
            }
            return events;
        } catch (IOException e) {
            throw new IllegalStateException("the Stripe Events API answered a page that is not JSON", e);
        }
    }

    private BackfillResult store(Account account, List<byte[]> events) {
        if (events.isEmpty()) {
            return BackfillResult.NONE;
        }
        Instant now = Instant.now();
        List<Uni<StoreOutcome>> stores = events.stream()
                .map(body -> store(account, body, now))
                .toList();
        List<StoreOutcome> outcomes = Uni.join().all(stores).andFailFast()
                .await().atMost(Duration.ofMinutes(2));
        long stored = outcomes.stream().filter(outcome -> outcome == StoreOutcome.ACCEPTED).count();
        return new BackfillResult(events.size(), stored, events.size() - stored);
    }

    private Uni<StoreOutcome> store(Account account, byte[] body, Instant now) {
        EventEnvelope envelope = parser.parse(body, now);
        return repository.store(account.name(), envelope, body);
    }
}
