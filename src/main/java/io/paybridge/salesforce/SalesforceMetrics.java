package io.paybridge.salesforce;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code paybridge_salesforce_requests_total{outcome}}, {@code paybridge_salesforce_api_usage_ratio}
 * (from {@code Sforce-Limit-Info}), {@code paybridge_salesforce_circuit_open} and
 * {@code paybridge_salesforce_token_requests_total{outcome}}.
 *
 * <p>Created at startup, with a data call of every outcome counted at zero: with delivery off (no
 * client id) nothing else would create these series, and a series that appears with its first
 * increment leaves {@code rate()} and the alerts blind after every restart.
 */
@ApplicationScoped
@Startup
public class SalesforceMetrics {

    /** How a data call ended: the {@code outcome} of {@code paybridge_salesforce_requests_total}. */
    enum Outcome {
        SUCCESS,
        /** 403 REQUEST_LIMIT_EXCEEDED. */
        LIMIT_EXCEEDED,
        /** Refused as such (a 4xx other than the above). */
        REJECTED,
        /** The circuit breaker is open: no call was made. */
        CIRCUIT_OPEN,
        /** No answer within the timeout. */
        TIMEOUT,
        /** No connection, or it was lost. */
        CONNECTION_ERROR,
        /** The session was refused (401 INVALID_SESSION_ID). */
        UNAUTHORIZED,
        /** 5xx, or another passing failure Salesforce answered. */
        SERVER_ERROR,
        /** A failure of ours, not Salesforce's answer. */
        ERROR;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String CIRCUIT = "salesforce";
    private static final Pattern API_USAGE = Pattern.compile("api-usage=(\\d+)/(\\d+)");

    private final MeterRegistry registry;
    private final Meter.MeterProvider<Counter> requests;
    private final Meter.MeterProvider<Counter> tokens;
    private final AtomicReference<Double> apiUsage = new AtomicReference<>(0.0);

    public SalesforceMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.requests = Counter.builder("paybridge.salesforce.requests")
                .description("Salesforce data calls, by outcome")
                .withRegistry(registry);
        for (Outcome outcome : Outcome.values()) {
            requests.withTag("outcome", outcome.label());
        }
        this.tokens = Counter.builder("paybridge.salesforce.token.requests")
                .description("Salesforce token requests, by outcome")
                .withRegistry(registry);
        Gauge.builder("paybridge.salesforce.api.usage.ratio", apiUsage, AtomicReference::get)
                .description("Share of the org's daily API requests used, from Sforce-Limit-Info")
                .register(registry);
        Gauge.builder("paybridge.salesforce.circuit.open", this, metrics -> metrics.circuitOpen() ? 1 : 0)
                .description("1 while the circuit breaker around Salesforce is open")
                .register(registry);
    }

    /** Counts one data call by how it ended. */
    void request(Outcome outcome) {
        requests.withTag("outcome", outcome.label()).increment();
    }

    /** Counts one token request by how it ended (success, or the OAuth error). */
    void token(String outcome) {
        String label = outcome.matches("[a-z_]{1,40}") ? outcome : "other";
        tokens.withTag("outcome", label).increment();
    }

    /** Reads {@code Sforce-Limit-Info: api-usage=N/M}, which Salesforce sends on every data answer. */
    void limitInfo(String header) {
        if (header == null) {
            return;
        }
        Matcher usage = API_USAGE.matcher(header);
        if (usage.find()) {
            double limit = Double.parseDouble(usage.group(2));
            if (limit > 0) {
                apiUsage.set(Double.parseDouble(usage.group(1)) / limit);
            }
        }
    }

    double apiUsage() {
        return apiUsage.get();
    }

    boolean circuitOpen() {
        try {
            return CircuitBreakerMaintenance.get().currentState(CIRCUIT) == CircuitBreakerState.OPEN;
        } catch (IllegalArgumentException notYetCreated) {
            // The breaker exists once the client does; with delivery off it never opens.
            return false;
        }
    }
}
