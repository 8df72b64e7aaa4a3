package io.paybridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake Salesforce the delivery tests trust: it must answer like Salesforce and its audits
 * must catch what they claim to catch.
 */
class FakeSalesforceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeSalesforce salesforce;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        salesforce = FakeSalesforce.start();
    }

    @AfterAll
    static void stop() {
        salesforce.stop();
    }

    @BeforeEach
    void reset() {
        salesforce.reset();
    }

    @Test
    void issuesTokensForTheRightClientOnly() throws Exception {
        HttpResponse<String> good = token("grant_type=client_credentials&client_id=" + FakeSalesforce.CLIENT_ID
                + "&client_secret=" + FakeSalesforce.CLIENT_SECRET);
        HttpResponse<String> bad = token("grant_type=client_credentials&client_id=" + FakeSalesforce.CLIENT_ID
                + "&client_secret=wrong");

        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(good.body()).path("instance_url").asText()).isEqualTo(salesforce.url());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void upsertsCreateThenUpdateAndReportRefusedRecordsApart() throws Exception {
        String token = accessToken();
        salesforce.rejectRecord("Stripe_Payout__c", "po_2", "INVALID_FIELD", "No such column");

        JsonNode first = JSON.readTree(upsert(token, "po_1", "po_2").body());
        JsonNode second = JSON.readTree(upsert(token, "po_1").body());

        assertThat(first.get(0).path("created").asBoolean()).isTrue();
        assertThat(first.get(1).path("success").asBoolean()).isFalse();
        assertThat(first.get(1).path("errors").get(0).path("statusCode").asText()).isEqualTo("INVALID_FIELD");
        assertThat(second.get(0).path("created").asBoolean()).isFalse();
        assertThat(second.get(0).path("id").asText()).isEqualTo(first.get(0).path("id").asText());
        assertThat(salesforce.record("Stripe_Payout__c", "po_1")).containsEntry("Status__c", null);
    }

    @Test
    void refusesAnExpiredSession() throws Exception {
        String token = accessToken();
        salesforce.expireTokens();

        HttpResponse<String> refused = upsert(token, "po_1");

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("INVALID_SESSION_ID");
        // No org is known from a refused session, so nothing tells its usage: the pipeline must not wait on it.
        assertThat(refused.headers().firstValue("Sforce-Limit-Info")).isEmpty();
    }

    @Test
    void countsTwoCallsThatCarryOneRecordAtOnceAndNotTwoThatDoNot() throws Exception {
        String token = accessToken();
        salesforce.latency(Duration.ofMillis(500));

        CompletableFuture.allOf(upsertAsync(token, "po_a"), upsertAsync(token, "po_b")).join();
        assertThat(salesforce.concurrentPushViolations()).isZero();

        CompletableFuture.allOf(upsertAsync(token, "po_a"), upsertAsync(token, "po_a")).join();
        assertThat(salesforce.concurrentPushViolations()).isEqualTo(1);
    }

    private String accessToken() throws Exception {
        return JSON.readTree(token("grant_type=client_credentials&client_id=" + FakeSalesforce.CLIENT_ID
                + "&client_secret=" + FakeSalesforce.CLIENT_SECRET).body()).path("access_token").asText();
    }

    private HttpResponse<String> token(String form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(salesforce.url() + "/services/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> upsert(String token, String... payouts) throws Exception {
        return upsertAsync(token, payouts).get();
    }

    private CompletableFuture<HttpResponse<String>> upsertAsync(String token, String... payouts) {
        StringBuilder records = new StringBuilder();
        for (String payout : payouts) {
            records.append(records.isEmpty() ? "" : ",").append("{\"attributes\":{\"type\":\"Stripe_Payout__c\"},")
                    .append("\"Stripe_Payout_Id__c\":\"").append(payout).append("\",\"Status__c\":null}");
        }
        String body = "{\"allOrNone\":false,\"records\":[" + records + "]}";
        return http.sendAsync(HttpRequest.newBuilder(URI.create(salesforce.url()
                        + "/services/data/v66.0/composite/sobjects/Stripe_Payout__c/Stripe_Payout_Id__c"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
