package io.paybridge.salesforce;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.paybridge.salesforce.SalesforceException.Kind;
import io.paybridge.salesforce.SalesforceMetrics.Outcome;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.quarkus.runtime.Startup;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Upserts records into Salesforce with sObject Collections, and owns everything that can go wrong
 * on the way: the token, the timeout, a short retry of passing failures, the circuit breaker named
 * {@code salesforce}, and the classification of every answer into what the pipeline should do.
 */
@ApplicationScoped
@Startup
public class SalesforceClient {

    private static final Logger LOG = Logger.getLogger(SalesforceClient.class);
    private static final TypeLiteral<Uni<List<RecordResult>>> RESULTS = new TypeLiteral<>() {
    };

    private final SalesforceConfig config;
    private final SalesforceAuth auth;
    private final SalesforceMetrics metrics;
    private final ObjectMapper json;
    private final Event<ApiUsageRead> usageRead;
    private final TypedGuard<Uni<List<RecordResult>>> guard;
    private final Map<String, DataApi> instances = new ConcurrentHashMap<>();
    private final AtomicBoolean budgetCheckRunning = new AtomicBoolean();
    private volatile Instant limitPausedUntil = Instant.EPOCH;
    private volatile Instant budgetPausedSince;
    private volatile Instant lastBudgetCheck = Instant.EPOCH;
    private volatile Instant circuitOpenedAt = Instant.EPOCH;

    public SalesforceClient(SalesforceConfig config, SalesforceAuth auth, SalesforceMetrics metrics, ObjectMapper json,
            Event<ApiUsageRead> usageRead) {
        this.config = config;
        this.auth = auth;
        this.metrics = metrics;
        this.json = json;
        this.usageRead = usageRead;
        this.guard = guard(config, this::circuitChanged);
        if (config.deliveryEnabled()) {
            LOG.infof("Delivery to Salesforce enabled: %s via %s, API %s, %d records a call",
                    config.auth(), config.loginUrl(), config.apiVersion(), config.batchSize());
        } else {
            LOG.warn("Delivery to Salesforce is disabled (no paybridge.salesforce.client-id, or "
                    + "paybridge.salesforce.enabled=false): events are stored and stay pending");
        }
    }

    public boolean enabled() {
        return config.deliveryEnabled();
    }

    /**
     * Whether a call may be made now. Each reason to wait is Salesforce's own: the circuit, the
     * org's API limit, the API budget Paybridge may use. While the budget is spent, the org's usage
     * is read again every {@code budget-recheck} so that delivery goes on once it falls; each read
     * is announced ({@link ApiUsageRead}), as its answer comes after this call.
     */
    public Availability availability() {
        if (metrics.circuitOpen()) {
            return Availability.CIRCUIT_OPEN;
        }
        if (Instant.now().isBefore(limitPausedUntil)) {
            return Availability.LIMIT_EXCEEDED;
        }
        if (metrics.apiUsage() >= config.maxApiUsage()) {
            budgetSpent();
            return Availability.BUDGET_SPENT;
        }
        if (budgetPausedSince != null) {
            budgetPausedSince = null;
            // One decimal: 79.9 % rounded to 80 would read as at the default threshold, not below it.
            LOG.infof("Salesforce API usage %.1f%% is below paybridge.salesforce.max-api-usage (%.1f%%) again: "
                    + "delivery goes on", metrics.apiUsage() * 100, config.maxApiUsage() * 100);
        }
        return Availability.AVAILABLE;
    }

    /**
     * How long {@link #availability()} may go on giving this reason, at most: until the circuit lets
     * a probe through, until the limit pause ends, until the org's usage is due to be read again
     * (its answer is announced). Zero or negative when the reason may be gone already.
     */
    public Duration mayChangeIn(Availability reason) {
        Instant now = Instant.now();
        Instant next = switch (reason) {
            case AVAILABLE -> now;
            case CIRCUIT_OPEN -> circuitOpenedAt.plus(config.circuit().delay());
            case LIMIT_EXCEEDED -> limitPausedUntil;
            case BUDGET_SPENT -> lastBudgetCheck.plus(config.budgetRecheck());
        };
        return Duration.between(now, next);
    }

    /**
     * How long calls may go on being refused without being made, at most: until the open circuit
     * lets a probe through, until the limit pause ends. Zero when calls may be made now.
     */
    public Duration callsRefusedFor() {
        Duration refused = Duration.ZERO;
        if (metrics.circuitOpen()) {
            refused = longer(refused, mayChangeIn(Availability.CIRCUIT_OPEN));
        }
        return longer(refused, mayChangeIn(Availability.LIMIT_EXCEEDED));
    }

    private static Duration longer(Duration one, Duration other) {
        return one.compareTo(other) >= 0 ? one : other;
    }

    private void budgetSpent() {
        Instant now = Instant.now();
        if (budgetPausedSince == null) {
            budgetPausedSince = now;
            lastBudgetCheck = now;
            LOG.warnf("Salesforce API usage %.1f%% is at or above paybridge.salesforce.max-api-usage (%.1f%%): "
                    + "delivery paused until it falls", metrics.apiUsage() * 100, config.maxApiUsage() * 100);
        }
        if (now.isBefore(lastBudgetCheck.plus(config.budgetRecheck())) || !budgetCheckRunning.compareAndSet(false, true)) {
            return;
        }
        lastBudgetCheck = now;
        auth.token()
                .chain(this::readLimits)
                .ifNoItem().after(config.timeout()).fail()
                .eventually(() -> budgetCheckRunning.set(false))
                .subscribe().with(
                        this::usageRead,
                        failure -> LOG.debugf("Salesforce API usage not read: %s", failure.toString()));
    }

    /**
     * A pause for budget can last hours, longer than a session: a refused session is dropped, so
     * that the next read fetches a new token instead of waiting on the old one for good.
     */
    private Uni<Response> readLimits(SalesforceToken token) {
        return api(token.instanceUrl())
                .limits(config.apiVersion(), token.authorization())
                .invoke(limits -> dropIfRefused(token, limits));
    }

    private void dropIfRefused(SalesforceToken token, Response answer) {
        if (answer.getStatus() == 401) {
            auth.invalidate(token);
        }
    }

    /** Announced once the usage is stored, so that whoever hears it finds the new usage. */
    private void usageRead(Response limits) {
        metrics.limitInfo(limits.getHeaderString("Sforce-Limit-Info"));
        usageRead.fire(new ApiUsageRead());
    }

    /** The breaker half-opens by itself after its delay; until then calls wait for it. */
    private void circuitChanged(CircuitBreakerState state) {
        if (state == CircuitBreakerState.OPEN) {
            circuitOpenedAt = Instant.now();
        }
        LOG.warnf("Circuit breaker 'salesforce' is now %s", state);
    }

    private void pauseForLimit() {
        Instant until = Instant.now().plus(config.limitPause());
        if (until.isAfter(limitPausedUntil)) {
            limitPausedUntil = until;
            LOG.warnf("Salesforce API limit exceeded (REQUEST_LIMIT_EXCEEDED): delivery paused until %s", until);
        }
    }

    /**
     * Records of one SObject and external id field cut into calls of at most
     * {@code paybridge.salesforce.batch-size} (sObject Collections takes 200 at most).
     */
    public <T> List<List<T>> batches(List<T> records) {
        return batches(records, config.batchSize());
    }

    static <T> List<List<T>> batches(List<T> records, int size) {
        List<List<T>> batches = new ArrayList<>();
        for (int from = 0; from < records.size(); from += size) {
            batches.add(records.subList(from, Math.min(records.size(), from + size)));
        }
        return batches;
    }

    /**
     * Upserts up to {@code batch-size} records of one SObject by their external id.
     *
     * @return one result per record, in the order given
     * @throws SalesforceException (as the Uni's failure) when the call as a whole wrote nothing
     */
    public Uni<List<RecordResult>> upsert(String sobject, String externalIdField, List<Map<String, Object>> records) {
        CollectionsUpsert body = new CollectionsUpsert(false, withType(sobject, records));
        AtomicReference<Throwable> lastCallFailure = new AtomicReference<>();
        return guard.get(() -> callWithToken(sobject, externalIdField, body)
                        .onFailure().invoke(lastCallFailure::set))
                .onFailure(CircuitBreakerOpenException.class).transform(open -> circuitOpen(open, lastCallFailure.get()))
                .onFailure(TimeoutException.class).transform(this::timedOut);
    }

    private Uni<List<RecordResult>> callWithToken(String sobject, String externalIdField, CollectionsUpsert body) {
        return auth.token()
                .chain(token -> call(token, sobject, externalIdField, body)
                        .onFailure(SalesforceClient::sessionExpired)
                        .recoverWithUni(() -> refreshedCall(token, sobject, externalIdField, body)));
    }

    private Uni<List<RecordResult>> refreshedCall(SalesforceToken refused, String sobject, String externalIdField,
            CollectionsUpsert body) {
        LOG.info("Salesforce session expired (INVALID_SESSION_ID): fetching a new token");
        auth.invalidate(refused);
        return auth.token()
                .chain(token -> call(token, sobject, externalIdField, body))
                .onFailure(SalesforceClient::sessionExpired)
                .transform(SessionRefusedAgain::new);
    }

    /**
     * A session refused even with a token fetched for this call. The attempt ends here rather than
     * in the quick retry, which would fetch yet another token: the token is refreshed once per
     * attempt, and the backoff spaces the next.
     */
    private static final class SessionRefusedAgain extends SalesforceException {

        SessionRefusedAgain(Throwable refusal) {
            super(Kind.TRANSIENT, "INVALID_SESSION_ID", "the session was refused again right after a new token",
                    refusal);
        }
    }

    private Uni<List<RecordResult>> call(SalesforceToken token, String sobject, String externalIdField,
            CollectionsUpsert body) {
        return api(token.instanceUrl())
                .upsert(config.apiVersion(), sobject, externalIdField, token.authorization(), body)
                .onFailure().transform(SalesforceClient::unreachable)
                .onFailure().invoke(failure -> metrics.request(outcome(failure)))
                .map(response -> read(response, body.records().size()));
    }

    private List<RecordResult> read(Response response, int records) {
        metrics.limitInfo(response.getHeaderString("Sforce-Limit-Info"));
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        int status = response.getStatus();
        if (status == 200) {
            List<RecordResult> results = results(body, records);
            metrics.request(Outcome.SUCCESS);
            return results;
        }
        SalesforceException failure = classify(status, body);
        metrics.request(outcome(failure));
        if (failure.kind() == Kind.LIMIT_EXCEEDED) {
            pauseForLimit();
        }
        throw failure;
    }

    private List<RecordResult> results(String body, int records) {
        JsonNode array = parse(body);
        if (!array.isArray()) {
            throw new SalesforceException(Kind.TRANSIENT, "UNREADABLE_RESPONSE", "HTTP 200 without a result array");
        }
        List<RecordResult> results = new ArrayList<>(records);
        for (JsonNode result : array) {
            results.add(result(result));
        }
        return results;
    }

    private static RecordResult result(JsonNode result) {
        if (result.path("success").asBoolean(false)) {
            return RecordResult.written(result.path("id").asText(null), result.path("created").asBoolean(false));
        }
        JsonNode error = result.path("errors").path(0);
        // Collections name the code statusCode; other REST answers say errorCode.
        String code = error.path("statusCode").asText(error.path("errorCode").asText("UNKNOWN_ERROR"));
        return RecordResult.failed(code, error.path("message").asText("no message"));
    }

    /** What a non-200 answer means for the whole call. */
    private SalesforceException classify(int status, String body) {
        JsonNode error = parse(body).path(0);
        String code = error.path("errorCode").asText("HTTP_" + status);
        String message = error.path("message").asText(status >= 500 ? "Salesforce unavailable" : "no message");
        String text = "HTTP " + status + " " + code + ": " + message;
        if (status == 401 && "INVALID_SESSION_ID".equals(code)) {
            return new SalesforceException(Kind.TRANSIENT, code, text);
        }
        if (status == 403 && "REQUEST_LIMIT_EXCEEDED".equals(code)) {
            return new SalesforceException(Kind.LIMIT_EXCEEDED, code, text);
        }
        if (status >= 500 || status == 408 || status == 429 || "UNABLE_TO_LOCK_ROW".equals(code)
                || "DUPLICATE_VALUE".equals(code) || "SERVER_UNAVAILABLE".equals(code)) {
            return new SalesforceException(Kind.TRANSIENT, code, text);
        }
        return new SalesforceException(Kind.REJECTED, code, text);
    }

    private static boolean sessionExpired(Throwable failure) {
        return failure instanceof SalesforceException e && "INVALID_SESSION_ID".equals(e.errorCode())
                && !(failure instanceof SessionRefusedAgain);
    }

    private static Throwable unreachable(Throwable failure) {
        if (failure instanceof SalesforceException) {
            return failure;
        }
        String code = failure instanceof ConnectException ? "CONNECTION_REFUSED"
                : failure instanceof IOException ? "CONNECTION_ERROR"
                : failure.getClass().getSimpleName().toUpperCase(Locale.ROOT);
        return new SalesforceException(Kind.TRANSIENT, code, "Salesforce unreachable: " + failure, failure);
    }

    private static Outcome outcome(Throwable failure) {
        if (!(failure instanceof SalesforceException e)) {
            return Outcome.ERROR;
        }
        return switch (e.kind()) {
            case LIMIT_EXCEEDED -> Outcome.LIMIT_EXCEEDED;
            case REJECTED -> Outcome.REJECTED;
            case CIRCUIT_OPEN -> Outcome.CIRCUIT_OPEN;
            case TRANSIENT -> e.getCause() != null ? Outcome.CONNECTION_ERROR
                    : "INVALID_SESSION_ID".equals(e.errorCode()) ? Outcome.UNAUTHORIZED : Outcome.SERVER_ERROR;
        };
    }

    /**
     * A retry that found the circuit open after a real call failed (the half-open probe, say)
     * reports that call's failure: an attempt was made, and it counts.
     */
    private Throwable circuitOpen(Throwable failure, Throwable lastCallFailure) {
        if (lastCallFailure instanceof SalesforceException callFailure) {
            return callFailure;
        }
        metrics.request(Outcome.CIRCUIT_OPEN);
        return new SalesforceException(Kind.CIRCUIT_OPEN, "CIRCUIT_OPEN",
                "circuit breaker 'salesforce' is open: no call made", failure);
    }

    private Throwable timedOut(Throwable failure) {
        metrics.request(Outcome.TIMEOUT);
        return new SalesforceException(Kind.TRANSIENT, "TIMEOUT",
                "no answer from Salesforce within " + config.timeout(), failure);
    }

    private JsonNode parse(String body) {
        try {
            JsonNode node = json.readTree(body);
            return node == null ? json.missingNode() : node;
        } catch (IOException | RuntimeException notJson) {
            // A gateway's HTML page, an empty body: nothing to read.
            return json.missingNode();
        }
    }

    private DataApi api(String instanceUrl) {
        return instances.computeIfAbsent(instanceUrl, url -> QuarkusRestClientBuilder.newBuilder()
                .baseUri(java.net.URI.create(url))
                .connectTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                // A little longer than the guard's timeout, so that a slow answer is a timeout, not a
                // connection error to retry at once.
                .readTimeout(config.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS)
                .disableDefaultMapper(true)
                .build(DataApi.class));
    }

    private static List<Map<String, Object>> withType(String sobject, List<Map<String, Object>> records) {
        Map<String, Object> attributes = Map.of("type", sobject);
        List<Map<String, Object>> typed = new ArrayList<>(records.size());
        for (Map<String, Object> record : records) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("attributes", attributes);
            body.putAll(record);
            typed.add(body);
        }
        return typed;
    }

    /**
     * Timeout per call, then the breaker, then a short retry of failures that pass by themselves.
     * Timeouts are not retried here, and no retry starts after half the timeout has gone, so that
     * one call ends well within the delivery lease.
     */
    private static TypedGuard<Uni<List<RecordResult>>> guard(SalesforceConfig config,
            Consumer<CircuitBreakerState> circuitChanged) {
        long timeout = config.timeout().toMillis();
        long delay = config.retry().delay().toMillis();
        return TypedGuard.create(RESULTS)
                .withDescription("Salesforce Collections upsert")
                .withTimeout()
                .duration(timeout, ChronoUnit.MILLIS)
                .done()
                .withCircuitBreaker()
                .name(SalesforceMetrics.CIRCUIT)
                .requestVolumeThreshold(config.circuit().requestVolume())
                .failureRatio(config.circuit().failureRatio())
                .delay(config.circuit().delay().toMillis(), ChronoUnit.MILLIS)
                .when(SalesforceClient::salesforceFailed)
                .onStateChange(circuitChanged)
                .done()
                .withRetry()
                .maxRetries(config.retry().maxRetries())
                .delay(delay, ChronoUnit.MILLIS)
                .jitter(Math.max(1, delay / 2), ChronoUnit.MILLIS)
                .maxDuration(Math.max(1, timeout / 2), ChronoUnit.MILLIS)
                .whenException(SalesforceClient::retryNow)
                .done()
                .build();
    }

    /** Salesforce unwell (not a refusal of these records, not a limit): counts towards opening. */
    private static boolean salesforceFailed(Throwable failure) {
        return failure instanceof TimeoutException
                || failure instanceof SalesforceException e && e.kind() == Kind.TRANSIENT;
    }

    private static boolean retryNow(Throwable failure) {
        return failure instanceof SalesforceException e && e.kind() == Kind.TRANSIENT
                && !(failure instanceof SessionRefusedAgain);
    }
}
