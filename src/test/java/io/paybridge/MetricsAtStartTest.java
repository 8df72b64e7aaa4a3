package io.paybridge;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * Every metric the spec names (section 3) is on {@code /q/metrics} from the start, before anything
 * produced it: Salesforce disabled, the scheduled sweep off, no webhook yet. A series that appears
 * only with its first increment makes {@code rate()} and the alerts blind after every restart.
 * Its own profile, so the application is freshly started and no other test has fed it.
 */
@QuarkusTest
@TestProfile(MetricsAtStartTest.Profile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class MetricsAtStartTest {

    /** The account given an API key: the sweep's only target, though the schedule is off. */
    private static final String RECONCILED = "acme";

    /** Section 3 of the spec: each series name with its labels; histograms by their buckets. */
    private static final Map<String, Set<String>> SPEC = Map.ofEntries(
            Map.entry("paybridge_webhook_requests_total", Set.of("account", "outcome")),
            Map.entry("paybridge_webhook_ack_seconds_bucket", Set.of("le")),
            Map.entry("paybridge_events", Set.of("status")),
            Map.entry("paybridge_oldest_pending_age_seconds", Set.of()),
            Map.entry("paybridge_delivery_lag_seconds_bucket", Set.of("le")),
            Map.entry("paybridge_salesforce_requests_total", Set.of("outcome")),
            Map.entry("paybridge_salesforce_records_total", Set.of("sobject", "outcome")),
            Map.entry("paybridge_salesforce_api_usage_ratio", Set.of()),
            Map.entry("paybridge_salesforce_circuit_open", Set.of()),
            Map.entry("paybridge_reconcile_runs_total", Set.of("account", "outcome")),
            Map.entry("paybridge_reconcile_events_total", Set.of("account", "outcome")),
            Map.entry("paybridge_reconcile_last_success_timestamp_seconds", Set.of("account")));

    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "paybridge.salesforce.enabled", "false",
                    "paybridge.reconcile.every", "0",
                    "paybridge.accounts." + RECONCILED + ".api-key", "rk_test_never_called");
        }
    }

    @Test
    void everyMetricOfTheSpecIsExportedWithItsLabelsBeforeAnythingProducedIt() {
        String metrics = metrics();

        Set<String> missing = new TreeSet<>(SPEC.keySet());
        missing.removeIf(name -> !samples(metrics, name).isEmpty());
        assertThat(missing).as("metrics of the spec without a series").isEmpty();
        SPEC.forEach((name, labels) -> assertThat(samples(metrics, name)).as("labels of %s", name)
                .allMatch(labels::equals));
    }

    @Test
    void theSeriesTheAlertsAndRatesReadStartAtZero() {
        String metrics = metrics();

        assertThat(value(metrics, "paybridge_webhook_requests_total{account=\"default\",outcome=\"storage_unavailable\"}")).isZero();
        assertThat(value(metrics, "paybridge_webhook_requests_total{account=\"acme\",outcome=\"accepted\"}")).isZero();
        assertThat(value(metrics, "paybridge_webhook_requests_total{account=\"unknown\",outcome=\"unknown_account\"}")).isZero();
        assertThat(value(metrics, "paybridge_salesforce_requests_total{outcome=\"success\"}")).isZero();
        assertThat(value(metrics, "paybridge_salesforce_requests_total{outcome=\"server_error\"}")).isZero();
        assertThat(value(metrics, "paybridge_salesforce_records_total{outcome=\"delivered\",sobject=\"Stripe_Payout__c\"}")).isZero();
        assertThat(value(metrics, "paybridge_salesforce_records_total{outcome=\"dead\",sobject=\"Stripe_Invoice_Payment__c\"}")).isZero();
        assertThat(value(metrics, "paybridge_salesforce_api_usage_ratio")).isZero();
        assertThat(value(metrics, "paybridge_salesforce_circuit_open")).isZero();
        assertThat(value(metrics, "paybridge_reconcile_runs_total{account=\"" + RECONCILED + "\",outcome=\"failed\"}")).isZero();
        assertThat(value(metrics, "paybridge_reconcile_events_total{account=\"" + RECONCILED + "\",outcome=\"stored\"}")).isZero();
    }

    /**
     * A last success of 0 would be 1970 to {@code time() - ... > 3 * every}: the alert would fire at
     * once. Before any run the gauge is NaN, which no comparison passes; and only an account the
     * sweep covers has one.
     */
    @Test
    void noLastReconcileSuccessBeforeAnyRunAndNoneForAnAccountWithoutKey() {
        String metrics = metrics();

        assertThat(value(metrics, "paybridge_reconcile_last_success_timestamp_seconds{account=\"" + RECONCILED + "\"}")).isNaN();
        assertThat(metrics).doesNotContain("paybridge_reconcile_last_success_timestamp_seconds{account=\"default\"}");
        assertThat(metrics).doesNotContain("paybridge_reconcile_runs_total{account=\"default\"");
    }

    /** The label names of every sample of {@code name}. */
    private static List<Set<String>> samples(String metrics, String name) {
        List<Set<String>> labelSets = new ArrayList<>();
        Matcher sample = SAMPLE.matcher(metrics);
        while (sample.find()) {
            if (!sample.group(1).equals(name)) {
                continue;
            }
            Set<String> labels = new TreeSet<>();
            Matcher label = LABEL.matcher(sample.group(2) == null ? "" : sample.group(2));
            while (label.find()) {
                labels.add(label.group(1));
            }
            labelSets.add(labels);
        }
        return labelSets;
    }

    /** The value of one series; the test fails when it is absent. */
    private static double value(String metrics, String series) {
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertThat(value.find()).as("%s in the metrics", series).isTrue();
        return Double.parseDouble(value.group(1));
    }

    private static String metrics() {
        return given().baseUri(TestPorts.managementUrl()).when().get("metrics").then()
                .statusCode(200)
                .extract().asString();
    }
}
