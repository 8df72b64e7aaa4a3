package io.paybridge.salesforce;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import io.paybridge.app.ConfigBounds;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How Paybridge reaches Salesforce: {@code paybridge.salesforce.*}.
 */
@ConfigMapping(prefix = "paybridge.salesforce")
public interface SalesforceConfig {

    enum Auth {
        /** OAuth 2.0 client credentials: {@code client-id} and {@code client-secret}. */
        CLIENT_CREDENTIALS,
        /** OAuth 2.0 JWT bearer: {@code client-id}, {@code username} and an RS256 private key. */
        JWT_BEARER
    }

    /**
     * Whether events are sent to Salesforce. Defaults to true when a {@code client-id} is set;
     * without it events are stored and stay {@code pending}.
     */
    Optional<Boolean> enabled();

    /** {@code client-credentials} or {@code jwt-bearer}. */
    @WithDefault("client-credentials")
    Auth auth();

    /**
     * Where tokens come from: {@code {login-url}/services/oauth2/token}. Client credentials need
     * the org's My Domain URL ({@code https://<domain>.my.salesforce.com}).
     */
    @WithDefault("https://login.salesforce.com")
    URI loginUrl();

    /** Consumer key of the external client app (or connected app). */
    Optional<String> clientId();

    /** Consumer secret, for {@code client-credentials}. */
    Optional<String> clientSecret();

    /** The integration user Paybridge acts as, for {@code jwt-bearer} (the JWT's {@code sub}). */
    Optional<String> username();

    /**
     * The JWT's {@code aud}: {@code https://login.salesforce.com}, {@code https://test.salesforce.com}
     * for sandboxes, or an Experience Cloud site URL.
     */
    @WithDefault("https://login.salesforce.com")
    String audience();

    /** RS256 private key as PEM text (PKCS#8), for {@code jwt-bearer}. */
    Optional<String> privateKey();

    /** File holding the RS256 private key as PEM, for {@code jwt-bearer} (a mounted Secret). */
    Optional<Path> privateKeyFile();

    /** REST API version of every data call. */
    @WithDefault("v66.0")
    String apiVersion();

    /** Records per sObject Collections call; Salesforce takes at most 200. */
    @WithDefault("200")
    int batchSize();

    /** Longest wait for one Salesforce call (token or data). */
    @WithDefault("30s")
    Duration timeout();

    /** How long delivery pauses after Salesforce answers 403 {@code REQUEST_LIMIT_EXCEEDED}. */
    @WithDefault("15m")
    Duration limitPause();

    /**
     * Share of the org's daily API requests (from {@code Sforce-Limit-Info}) at which delivery
     * pauses, without spending attempts, so that the org's other integrations keep the rest.
     * {@code 1} pauses only when the allowance is spent.
     */
    @WithDefault("0.9")
    double maxApiUsage();

    /**
     * While paused for {@code max-api-usage}, how often the org's usage is read again (one call of
     * the Limits resource) to learn that it fell and delivery can go on.
     */
    @WithDefault("1m")
    Duration budgetRecheck();

    /** The circuit breaker around Salesforce, named {@code salesforce}. */
    Circuit circuit();

    /** Immediate retries of one call that failed for a passing reason (5xx, lost connection). */
    Retry retry();

    interface Circuit {

        /** Calls the failure ratio is computed over. */
        @WithDefault("10")
        int requestVolume();

        /** Share of failed calls among the last {@code request-volume} that opens the circuit. */
        @WithDefault("0.5")
        double failureRatio();

        /** How long the circuit stays open before one probe call is let through. */
        @WithDefault("30s")
        Duration delay();
    }

    interface Retry {

        /**
         * Retries within one delivery attempt before the events fall back to the pipeline's
         * backoff. Timeouts are not retried here: they already took {@code timeout}.
         */
        @WithDefault("2")
        int maxRetries();

        /** Pause before each retry (with up to half of it as jitter). */
        @WithDefault("500ms")
        Duration delay();
    }

    /** Enabled as configured, or because credentials are there. */
    default boolean deliveryEnabled() {
        return enabled().orElse(clientId().isPresent());
    }

    /** What {@link #apiVersion()} must look like: v66.0. */
    Pattern API_VERSION = Pattern.compile("v\\d{2,3}\\.0");

    /** The bounds of these properties, checked as the configuration is read (config/ConfigChecks). */
    static void check(SalesforceConfig salesforce, ConfigBounds bounds) {
        bounds.matches("api-version", salesforce.apiVersion(), API_VERSION, "v66.0");
        bounds.between("batch-size", salesforce.batchSize(), 1, 200);
        bounds.between("max-api-usage", salesforce.maxApiUsage(), 0, true, 1);
        bounds.atLeast("circuit.request-volume", salesforce.circuit().requestVolume(), 1);
        bounds.between("circuit.failure-ratio", salesforce.circuit().failureRatio(), 0.01, false, 1);
        bounds.between("retry.max-retries", salesforce.retry().maxRetries(), 0, 5);
        if (salesforce.deliveryEnabled()) {
            checkCredentials(salesforce, bounds);
        }
    }

    /**
     * Delivery that cannot authenticate would spend every event's attempts on it and leave them
     * dead: it is refused at start instead.
     */
    private static void checkCredentials(SalesforceConfig salesforce, ConfigBounds bounds) {
        bounds.required("client-id", salesforce.clientId().isPresent(), "when delivery is enabled");
        switch (salesforce.auth()) {
            case CLIENT_CREDENTIALS -> bounds.required("client-secret", salesforce.clientSecret().isPresent(),
                    "when delivery is enabled with auth=client-credentials");
            case JWT_BEARER -> {
                bounds.required("username", salesforce.username().isPresent(), "when delivery is enabled with auth=jwt-bearer");
                bounds.required("private-key", salesforce.privateKey().isPresent() || salesforce.privateKeyFile().isPresent(),
                        "(or private-key-file) when delivery is enabled with auth=jwt-bearer");
                bounds.notBoth("private-key", salesforce.privateKey().isPresent(),
                        "private-key-file", salesforce.privateKeyFile().isPresent());
            }
        }
    }
}
