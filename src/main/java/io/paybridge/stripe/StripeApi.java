package io.paybridge.stripe;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.net.ApiResource;
import com.stripe.net.RawRequestOptions;
import com.stripe.net.StripeResponse;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The Stripe API as plain blocking HTTP through stripe-java, one client per API key. No retries of
 * its own: the caller owns timeouts and retries ({@link StripeObjects}).
 */
@ApplicationScoped
class StripeApi {

    private final StripeConfig config;
    private final Map<String, StripeClient> clients = new ConcurrentHashMap<>();

    StripeApi(StripeConfig config) {
        this.config = config;
    }

    /**
     * Blocks for at most the fetch timeout (connect plus read).
     *
     * @param path    a path of the API, such as {@code /v1/invoices/in_...}
     * @param context the connected account to act for ({@code Stripe-Context}), or null
     * @return the answer of a 2xx
     * @throws StripeException any other answer, a timeout or a connection error
     */
    StripeResponse get(String apiKey, String path, String context) throws StripeException {
        RawRequestOptions.RawRequestOptionsBuilder options = RawRequestOptions.builder();
        if (context != null) {
            options.setStripeContext(context);
        }
        return client(apiKey).rawRequest(ApiResource.RequestMethod.GET, path, null, options.build());
    }

    private StripeClient client(String apiKey) {
        return clients.computeIfAbsent(apiKey, key -> {
            int timeout = (int) config.fetchTimeout().toMillis();
            return StripeClient.builder()
                    .setApiKey(key)
                    .setApiBase(config.apiBase())
                    .setMaxNetworkRetries(0)
                    .setConnectTimeout(timeout)
                    .setReadTimeout(timeout)
                    .build();
        });
    }
}
