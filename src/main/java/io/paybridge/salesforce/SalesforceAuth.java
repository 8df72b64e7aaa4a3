package io.paybridge.salesforce;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.paybridge.salesforce.SalesforceException.Kind;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.jwt.util.KeyUtils;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Form;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

/**
 * Gets and caches the OAuth 2.0 access token, by client credentials or JWT bearer.
 *
 * <p>Written on the REST client rather than the OIDC client: Salesforce's token answer carries the
 * {@code instance_url} every data call must go to and no {@code expires_in}, so a token lives
 * until a data call is refused with {@code INVALID_SESSION_ID}, and then it is fetched again once.
 * Concurrent callers share one token request.
 */
// Created at start, so that a private key that cannot be read fails the start, not every event's attempts.
@Startup
@ApplicationScoped
public class SalesforceAuth {

    private static final Logger LOG = Logger.getLogger(SalesforceAuth.class);
    private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    /** Salesforce refuses assertions that expire more than a few minutes ahead. */
    private static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(3);

    private final SalesforceConfig config;
    private final ObjectMapper json;
    private final SalesforceMetrics metrics;
    private final OAuthApi oauth;
    private final PrivateKey signingKey;
    private SalesforceToken token;
    private Uni<SalesforceToken> fetching;

    public SalesforceAuth(SalesforceConfig config, ObjectMapper json, SalesforceMetrics metrics) {
        this.config = config;
        this.json = json;
        this.metrics = metrics;
        this.signingKey = config.deliveryEnabled() ? signingKey(config) : null;
        this.oauth = QuarkusRestClientBuilder.newBuilder()
                .baseUri(config.loginUrl())
                .connectTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .disableDefaultMapper(true)
                .build(OAuthApi.class);
    }

    /** The cached token, or a new one. */
    synchronized Uni<SalesforceToken> token() {
        if (token != null) {
            return Uni.createFrom().item(token);
        }
        if (fetching == null) {
            fetching = requestToken()
                    .onItemOrFailure().invoke((fresh, failure) -> fetched(fresh))
                    .memoize().indefinitely();
        }
        return fetching;
    }

    /** Drops a token Salesforce refused, unless another caller has already replaced it. */
    synchronized void invalidate(SalesforceToken refused) {
        if (token == refused) {
            token = null;
        }
    }

    private synchronized void fetched(SalesforceToken fresh) {
        token = fresh;
        fetching = null;
    }

    private Uni<SalesforceToken> requestToken() {
        return Uni.createFrom().item(this::grant)
                .chain(oauth::token)
                .map(this::readToken)
                .onFailure(failure -> !(failure instanceof SalesforceException))
                .transform(failure -> new SalesforceException(Kind.TRANSIENT, "TOKEN_ENDPOINT_UNREACHABLE",
                        "token endpoint unreachable: " + failure.getClass().getSimpleName(), failure));
    }

    private Form grant() {
        Form form = new Form();
        String clientId = config.clientId().orElseThrow();
        if (config.auth() == SalesforceConfig.Auth.JWT_BEARER) {
            form.param("grant_type", JWT_BEARER);
            form.param("assertion", assertion(clientId));
        } else {
            form.param("grant_type", "client_credentials");
            form.param("client_id", clientId);
            form.param("client_secret", config.clientSecret().orElseThrow());
        }
        return form;
    }

    private String assertion(String clientId) {
        return Jwt.issuer(clientId)
                .subject(config.username().orElseThrow())
                .audience(config.audience())
                .expiresIn(ASSERTION_LIFETIME)
                .jws()
                .algorithm(SignatureAlgorithm.RS256)
                .sign(signingKey);
    }

    private SalesforceToken readToken(Response response) {
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        JsonNode answer = parse(body);
        String accessToken = answer.path("access_token").asText(null);
        String instanceUrl = answer.path("instance_url").asText(null);
        if (response.getStatus() == 200 && accessToken != null && instanceUrl != null) {
            metrics.token("success");
            LOG.infof("Salesforce token obtained (%s) for %s", config.auth(), instanceUrl);
            return new SalesforceToken(accessToken, stripSlash(instanceUrl));
        }
        // The OAuth error and its description never carry the secret; log them for the operator.
        String error = answer.path("error").asText("HTTP_" + response.getStatus());
        String description = answer.path("error_description").asText("no OAuth error in the answer");
        metrics.token(error);
        LOG.errorf("Salesforce token refused: HTTP %d %s (%s)", response.getStatus(), error, description);
        throw new SalesforceException(Kind.TRANSIENT, "TOKEN_" + error.toUpperCase(java.util.Locale.ROOT),
                "token endpoint answered HTTP " + response.getStatus() + " " + error + ": " + description);
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body);
        } catch (IOException | RuntimeException notJson) {
            return json.createObjectNode();
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * The JWT bearer signing key, read at start so that a key that cannot be read fails the start.
     * Which properties are set was checked as the configuration was read (SalesforceConfig.check).
     */
    private static PrivateKey signingKey(SalesforceConfig config) {
        if (config.auth() != SalesforceConfig.Auth.JWT_BEARER) {
            return null;
        }
        String pem = config.privateKey().orElseGet(() -> read(config.privateKeyFile().orElseThrow()));
        return privateKey(pem);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("paybridge.salesforce.private-key-file " + file + " cannot be read", e);
        }
    }

    static PrivateKey privateKey(String pem) {
        if (pem.contains("BEGIN RSA PRIVATE KEY")) {
            throw new IllegalStateException("the Salesforce private key is PKCS#1; convert it to PKCS#8 with "
                    + "'openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem'");
        }
        try {
            return KeyUtils.decodePrivateKey(pem, SignatureAlgorithm.RS256);
        } catch (GeneralSecurityException | RuntimeException e) {
            // The key's own bytes are never part of the message.
            throw new IllegalStateException("the Salesforce private key is not an RSA private key in PKCS#8 PEM", e);
        }
    }
}
