package io.paybridge.ops;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Event;
import com.stripe.model.StripeCollection;
import com.stripe.param.EventListParams;
import io.paybridge.accounts.Account;
import io.paybridge.intake.EventEnvelope;
import io.paybridge.intake.EventEnvelopeParser;
import io.paybridge.intake.IntakeRepository;
import io.paybridge.intake.StoreOutcome;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Lists an account's events from the Stripe Events API and stores those Paybridge never received,
 * through the same parser and insert as the webhook path, so a backfilled event is
 * indistinguishable from one that arrived. Events already stored are left alone whatever their state.
 */
@ApplicationScoped
public class BackfillService {

    /** Stripe's Events API returns events of the last 30 days only. */
    public static final Duration STRIPE_EVENT_RETENTION = Duration.ofDays(30);

    private static final Logger LOG = Logger.getLogger(BackfillService.class);

    /** Exact decimals: the stored event keeps Stripe's numbers as Stripe wrote them. */
    private static final ObjectMapper RAW = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private final IntakeRepository repository;
    private final StripeConfig config;
    private final EventEnvelopeParser parser = new EventEnvelopeParser();

    public BackfillService(IntakeRepository repository, StripeConfig config) {
        this.repository = repository;
        this.config = config;
    }

    /**
     * Blocks until every page is stored; for commands, never for an event loop.
     *
     * @throws StripeException when Stripe refuses or cannot be reached after stripe-java's retries
     */
    public BackfillResult backfill(Account account, Instant since) throws StripeException {
        StripeClient stripe = client(account);
        BackfillResult total = BackfillResult.NONE;
        String startingAfter = null;
        boolean more = true;
        while (more) {
            StripeCollection<Event> page = stripe.v1().events().list(pageParams(since, startingAfter));
            List<byte[]> events = rawEvents(page);
            total = total.plus(store(account, events));
            more = Boolean.TRUE.equals(page.getHasMore()) && !page.getData().isEmpty();
            startingAfter = more ? page.getData().get(page.getData().size() - 1).getId() : null;
        }
        LOG.infof("Backfill of account %s since %s: listed=%d stored=%d present=%d",
                account.name(), since, total.listed(), total.stored(), total.present());
        return total;
    }

    private StripeClient client(Account account) {
        String apiKey = account.apiKey().orElseThrow(() -> new InvalidRequestException(
                "account " + account.name() + " has no API key: set paybridge.accounts." + account.name() + ".api-key"));
        return StripeClient.builder()
                .setApiKey(apiKey)
                .setApiBase(config.apiBase())
                .setMaxNetworkRetries(config.maxNetworkRetries())
                .setReadTimeout((int) config.timeout().toMillis())
                .build();
    }

    private EventListParams pageParams(Instant since, String startingAfter) {
        EventListParams.Builder params = EventListParams.builder()
                .setCreated(EventListParams.Created.builder().setGte(since.getEpochSecond()).build())
                .setLimit((long) config.pageSize());
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
            JsonNode body = RAW.readTree(page.getLastResponse().body());
            List<byte[]> events = new ArrayList<>();
            for (JsonNode event : body.path("data")) {
                events.add(RAW.writeValueAsBytes(event));
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
