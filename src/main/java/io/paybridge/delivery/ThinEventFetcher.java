package io.paybridge.delivery;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paybridge.accounts.Account;
import io.paybridge.accounts.Accounts;
import io.paybridge.stripe.StripeConfig;
import io.paybridge.stripe.StripeFetch;
import io.paybridge.stripe.StripeJson;
import io.paybridge.stripe.StripeObjects;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Thin events carry no object: before a turn maps them, this fetches the current state of each
 * object they name, once per object however many of its thin events the turn claimed, and turns
 * each thin event into the snapshot event the routes know.
 */
@ApplicationScoped
public class ThinEventFetcher {

    private static final Logger LOG = Logger.getLogger(ThinEventFetcher.class);
    /** Thin events of API v1 resources are typed {@code v1.invoice.paid}; the routes know {@code invoice.paid}. */
    private static final String V1_PREFIX = "v1.";

    private final Accounts accounts;
    private final StripeObjects stripe;
    private final int concurrency;
    /** Accounts whose missing API key was already logged: once each, not once per event. */
    private final Set<String> warnedAccounts = ConcurrentHashMap.newKeySet();

    public ThinEventFetcher(Accounts accounts, StripeObjects stripe, StripeConfig config) {
        this.accounts = accounts;
        this.stripe = stripe;
        this.concurrency = config.fetchConcurrency();
    }

    /** The longest {@link #fetch} can take. */
    public java.time.Duration timeout() {
        return stripe.timeout();
    }

    /**
     * Fetches every object the given thin events name, in parallel, one call each.
     *
     * @param events thin events that a route takes
     */
    public Uni<Fetches> fetch(List<ClaimedEvent> events) {
        Map<ThinObject, String> apiKeys = new LinkedHashMap<>();
        Map<ThinObject, StripeFetch> results = new ConcurrentHashMap<>();
        for (ClaimedEvent event : events) {
            ThinObject object = ThinObject.of(event);
            if (apiKeys.containsKey(object) || results.containsKey(object)) {
                continue;
            }
            Optional<String> apiKey = accounts.find(event.account()).flatMap(Account::apiKey);
            if (apiKey.isPresent()) {
                apiKeys.put(object, apiKey.get());
            } else {
                results.put(object, StripeFetch.failed(noApiKey(event)));
            }
        }
        return Multi.createFrom().iterable(apiKeys.entrySet())
                .onItem().transformToUni(entry -> fetchOne(entry.getKey(), entry.getValue()))
                .merge(concurrency)
                .invoke(fetched -> results.put(fetched.object(), fetched.fetch()))
                .collect().last()
                .replaceWith(() -> new Fetches(results));
    }

    private Uni<Fetched> fetchOne(ThinObject object, String apiKey) {
        return stripe.fetch(apiKey, object.url(), object.context())
                .map(fetch -> new Fetched(object, fetch));
    }

    private String noApiKey(ClaimedEvent event) {
        String setting = "paybridge.accounts." + event.account() + ".api-key";
        if (warnedAccounts.add(event.account())) {
            LOG.errorf("Event %s (%s) of account %s: thin events need the Stripe API to fetch their object, and %s "
                    + "is not set; its thin events go dead until it is set and they are replayed",
                    event.eventId(), event.type(), event.account(), setting);
        }
        return "no Stripe API key to fetch the object of a thin event: set " + setting;
    }

    /**
     * The thin event as the snapshot event the routes map: the fetched object as {@code data.object},
     * the type without {@code v1.}, {@code created} in Unix seconds as snapshot events have it, with the
     * thin event's milliseconds as a fraction when it has any: the record's {@code Last_Stripe_Event_At__c}
     * names the moment the event names, as ordering does.
     *
     * @throws IOException when the thin event or the object is not JSON
     */
    static JsonNode asSnapshot(ClaimedEvent event, byte[] payload, JsonNode object) throws IOException {
        return asSnapshot(event.eventId(), event.type(), event.created(), event.context(), payload, object);
    }

    /** See {@link #asSnapshot(ClaimedEvent, byte[], JsonNode)}; for operators' views of a stored thin event. */
    public static JsonNode asSnapshot(String eventId, String type, Instant created, String context,
            byte[] payload, JsonNode object) throws IOException {
        JsonNode thin = StripeJson.MAPPER.readTree(payload);
        ObjectNode snapshot = StripeJson.MAPPER.createObjectNode();
        snapshot.put("id", eventId);
        snapshot.put("object", "event");
        snapshot.put("type", snapshotType(type));
        snapshot.put("created", unixSeconds(created));
        snapshot.put("livemode", thin.path("livemode").asBoolean(false));
        if (context != null) {
            snapshot.put("account", context);
        }
        snapshot.putObject("data").set("object", object);
        return snapshot;
    }

    private static BigDecimal unixSeconds(Instant created) {
        BigDecimal millis = BigDecimal.valueOf(created.toEpochMilli(), 3);
        return created.toEpochMilli() % 1000 == 0 ? millis.setScale(0) : millis;
    }

    public static JsonNode readObject(byte[] body) throws IOException {
        JsonNode object = StripeJson.MAPPER.readTree(body);
        if (object == null || !object.isObject()) {
            throw new IOException("Stripe answered something other than a JSON object");
        }
        return object;
    }

    public static String snapshotType(String type) {
        return type.startsWith(V1_PREFIX) ? type.substring(V1_PREFIX.length()) : type;
    }

    /** One object of one account, as fetched: thin events that name it share the call. */
    record ThinObject(String account, String context, String url) {
        static ThinObject of(ClaimedEvent event) {
            return new ThinObject(event.account(), event.context(), event.relatedUrl());
        }
    }

    private record Fetched(ThinObject object, StripeFetch fetch) {
    }

    /** What the fetches of one turn came to, by object. */
    public static final class Fetches {
        static final Fetches NONE = new Fetches(Map.of());
        private final Map<ThinObject, StripeFetch> results;

        Fetches(Map<ThinObject, StripeFetch> results) {
            this.results = results;
        }

        StripeFetch of(ClaimedEvent event) {
            StripeFetch fetch = results.get(ThinObject.of(event));
            return fetch == null ? StripeFetch.retry("not fetched") : fetch;
        }
    }
}
