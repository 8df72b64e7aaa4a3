package io.paybridge.delivery;

import static io.paybridge.testing.Webhooks.postSigned;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paybridge.testing.Deliveries;
import io.paybridge.testing.FakeSalesforce;
import io.paybridge.testing.FakeSalesforceResource;
import io.paybridge.testing.FakeStripe;
import io.paybridge.testing.FakeStripeResource;
import io.paybridge.testing.RecordAssertions;
import io.paybridge.testing.StripeFixtures;
import io.paybridge.testing.StripeSigner;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestDatabase.Delivery;
import io.paybridge.testing.TestPorts;
import io.paybridge.testing.Webhooks;
import io.paybridge.testing.StripeEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Thin events delivered: their object fetched from the (fake) Stripe API once per object and turn,
 * mapped as their snapshot twin, ordered with snapshot events of the same object, and every way the
 * fetch can fail. Every test works on objects and events of its own (fresh ids), so it needs no
 * clean database.
 */
@QuarkusTest
@TestProfile(DeliveryProfile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class ThinDeliveryTest {

    private static final String INVOICE = "Stripe_Invoice_Payment__c";
    private static final String PAYMENT = "Stripe_Payment__c";
    private static final String PAYOUT = "Stripe_Payout__c";
    private static final String INVOICE_ID = "Stripe_Invoice_Id__c";
    private static final String PAYOUT_ID = "Stripe_Payout_Id__c";
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    FakeSalesforce salesforce;
    FakeStripe stripe;

    @BeforeEach
    void fakes() {
        salesforce = FakeSalesforceResource.fake();
        stripe = FakeStripeResource.fake();
    }

    @ParameterizedTest
    @CsvSource({
            "v1.invoice.paid, invoice, Stripe_Invoice_Payment__c, Stripe_Invoice_Id__c",
            "v1.payment_intent.succeeded, payment_intent, Stripe_Payment__c, Stripe_Payment_Intent_Id__c",
            "v1.payout.paid, payout, Stripe_Payout__c, Stripe_Payout_Id__c" })
    void aThinEventIsDeliveredFieldForFieldAsItsSnapshotTwin(String fixture, String objectType, String sobject,
            String externalIdField) throws IOException {
        byte[] thinFixture = StripeFixtures.thin(fixture);
        Instant created = Instant.parse(tree(thinFixture).path("created").asText());
        String twinId = unique(objectType);
        String thinObjectId = unique(objectType);
        byte[] twin = snapshotEvent(fixture.substring("v1.".length()), unique("evt"), created.getEpochSecond(),
                objectWithId(StripeFixtures.object(objectType), twinId));
        stripe.holdsObject(objectWithId(StripeFixtures.object(objectType), thinObjectId));
        byte[] thin = thinEvent(thinFixture, unique("evt_test"), thinObjectId, null);

        postSigned(twin).statusCode(200);
        postSigned(thin).statusCode(200);
        awaitStatus("default", StripeFixtures.eventId(twin), "delivered");
        awaitStatus("default", StripeFixtures.eventId(thin), "delivered");

        Map<String, Object> sentForTwin = sentRecord(externalIdField, twinId);
        Map<String, Object> sentForThin = sentRecord(externalIdField, thinObjectId);
        assertThat(sentForThin.remove(externalIdField)).isEqualTo(thinObjectId);
        assertThat(sentForTwin.remove(externalIdField)).isEqualTo(twinId);
        assertThat(sentForThin.remove("Last_Stripe_Event_Id__c")).isEqualTo(StripeFixtures.eventId(thin));
        assertThat(sentForTwin.remove("Last_Stripe_Event_Id__c")).isEqualTo(StripeFixtures.eventId(twin));
        // The thin event names its moment to the millisecond, its twin (Unix seconds) to the second.
        assertThat(sentForThin.remove("Last_Stripe_Event_At__c")).isEqualTo(created.toString());
        assertThat(sentForTwin.remove("Last_Stripe_Event_At__c"))
                .isEqualTo(Instant.ofEpochSecond(created.getEpochSecond()).toString());
        assertThat(sentForThin).isEqualTo(sentForTwin);
        assertThat(sentForThin).containsEntry("Last_Stripe_Event_Type__c", fixture.substring("v1.".length()));
        assertThat(pushes(externalIdField, thinObjectId)).hasSize(1);
        assertThat(stripe.requestsOf(path(objectType, thinObjectId))).isEqualTo(1);
    }

    @Test
    void aConnectThinEventIsFetchedForItsConnectedAccount() throws IOException {
        String payoutId = unique("po");
        byte[] object = objectWithId(StripeFixtures.object("payout.connect"), payoutId);
        stripe.holdsObject(FakeStripe.CONNECT_ACCOUNT, object);
        byte[] thin = thinEvent(StripeFixtures.thin("v1.payout.paid.connect"), unique("evt_test"), payoutId, null);
        String id = StripeFixtures.eventId(thin);

        postSigned(thin).statusCode(200);
        awaitStatus("default", id, "delivered");

        assertThat(stripe.objectRequests()).filteredOn(request -> request.get("path").equals(path("payout", payoutId)))
                .singleElement()
                .satisfies(request -> assertThat(request).containsEntry("context", FakeStripe.CONNECT_ACCOUNT)
                        .containsEntry("status", "200"));
        Map<String, Object> record = salesforce.record(PAYOUT, payoutId);
        assertThat(record).containsEntry("Status__c", "paid").containsEntry("Stripe_Account__c", "default")
                .containsEntry("Reconciliation_Status__c", "completed");
        RecordAssertions.assertAmount(record, "Amount__c", "2500.00");
        // The operator sees what was fetched.
        JsonNode detail = tree(given().baseUri(TestPorts.managementUrl().replace("/q/", "/admin/")).get("events/default/" + id)
                .then().statusCode(200).extract().asByteArray());
        assertThat(detail.at("/fetched/id").asText()).isEqualTo(payoutId);
        assertThat(detail.at("/fetched/status").asText()).isEqualTo("paid");
        assertThat(detail.at("/payload/object").asText()).isEqualTo("v2.core.event");
        assertThat(detail.path("records")).hasSize(1);
        assertThat(detail.at("/records/0/externalId").asText()).isEqualTo(payoutId);
        assertThat(Deliveries.metrics()).contains("paybridge_stripe_requests_total{outcome=\"success\",purpose=\"fetch\"}");
    }

    @Test
    void anObjectStripeDoesNotKnowMakesTheEventDeadWithoutACall() throws IOException {
        String invoiceId = unique("in");
        byte[] thin = thinEvent(StripeFixtures.thin("v1.invoice.paid"), unique("evt_test"), invoiceId, null);

        postSigned(thin).statusCode(200);
        Delivery dead = awaitStatus("default", StripeFixtures.eventId(thin), "dead");

        assertThat(dead.lastError()).contains("404").contains("resource_missing").contains(invoiceId);
        assertThat(salesforce.callsWith(INVOICE, invoiceId)).isZero();
        assertThat(Deliveries.metrics()).contains("paybridge_stripe_requests_total{outcome=\"not_found\",purpose=\"fetch\"}");
    }

    @Test
    void aRateLimitedFetchIsRetriedAndDelivered() throws IOException {
        String invoiceId = unique("in");
        stripe.holdsObject(objectWithId(StripeFixtures.object("invoice"), invoiceId));
        stripe.answersNext(path("invoice", invoiceId), 429);
        byte[] thin = thinEvent(StripeFixtures.thin("v1.invoice.paid"), unique("evt_test"), invoiceId, null);

        postSigned(thin).statusCode(200);
        Delivery delivered = awaitStatus("default", StripeFixtures.eventId(thin), "delivered");

        assertThat(delivered.attempts()).isEqualTo(2);
        assertThat(statusesAnswered(path("invoice", invoiceId))).containsExactly("429", "200");
        assertThat(pushes(INVOICE_ID, invoiceId)).hasSize(1);
        assertThat(salesforce.record(INVOICE, invoiceId)).containsEntry("Status__c", "paid");
    }

    @Test
    void aBurstOfServerErrorsIsRetriedWithoutSalesforceCallsAndThenDelivered() throws IOException {
        String payoutId = unique("po");
        stripe.holdsObject(objectWithId(StripeFixtures.object("payout"), payoutId));
        stripe.answersNext(path("payout", payoutId), 500, 500, 500);
        byte[] thin = thinEvent(StripeFixtures.thin("v1.payout.paid"), unique("evt_test"), payoutId, null);
        String id = StripeFixtures.eventId(thin);

        postSigned(thin).statusCode(200);
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(TestDatabase.delivery("default", id))
                .hasValueSatisfying(event -> assertThat(event.attempts()).isPositive()));
        Delivery retrying = TestDatabase.delivery("default", id).orElseThrow();
        if (!retrying.done()) {
            assertThat(retrying.status()).isEqualTo("retrying");
            assertThat(retrying.lastError()).contains("500");
        }
        Delivery delivered = awaitStatus("default", id, "delivered");

        assertThat(delivered.attempts()).isEqualTo(4);
        assertThat(statusesAnswered(path("payout", payoutId))).containsExactly("500", "500", "500", "200");
        assertThat(pushes(PAYOUT_ID, payoutId)).hasSize(1);
        assertThat(Deliveries.metrics()).contains("paybridge_stripe_requests_total{outcome=\"server_error\",purpose=\"fetch\"}");
    }

    @Test
    void aFetchThatTimesOutIsRetried() throws IOException {
        String paymentId = unique("pi");
        stripe.holdsObject(objectWithId(StripeFixtures.object("payment_intent"), paymentId));
        stripe.slowNext(path("payment_intent", paymentId), Duration.ofSeconds(4));
        byte[] thin = thinEvent(StripeFixtures.thin("v1.payment_intent.succeeded"), unique("evt_test"), paymentId, null);
        String id = StripeFixtures.eventId(thin);

        postSigned(thin).statusCode(200);
        Delivery delivered = awaitStatus("default", id, "delivered");

        // The first attempt gave up on the slow answer; the second found the object.
        assertThat(delivered.attempts()).isEqualTo(2);
        assertThat(stripe.requestsOf(path("payment_intent", paymentId))).isEqualTo(2);
        assertThat(salesforce.record(PAYMENT, paymentId)).containsEntry("Status__c", "succeeded");
        assertThat(Deliveries.metrics()).contains("paybridge_stripe_requests_total{outcome=\"timeout\",purpose=\"fetch\"}");
    }

    @Test
    void anAccountWithoutApiKeyMakesItsThinEventsDeadNamingTheSetting() throws IOException {
        // The account acme has webhook secrets but no API key.
        String invoiceId = unique("in");
        stripe.holdsObject(objectWithId(StripeFixtures.object("invoice"), invoiceId));
        byte[] thin = thinEvent(StripeFixtures.thin("v1.invoice.paid"), unique("evt_test"), invoiceId, null);

        Webhooks.post("/webhooks/stripe/acme", thin, StripeSigner.header(Webhooks.ACME_SECRET, thin)).statusCode(200);
        Delivery dead = awaitStatus("acme", StripeFixtures.eventId(thin), "dead");

        assertThat(dead.lastError()).contains("paybridge.accounts.acme.api-key");
        assertThat(stripe.requestsOf(path("invoice", invoiceId))).isZero();
        assertThat(salesforce.callsWith(INVOICE, invoiceId)).isZero();
    }

    @Test
    void aThinEventNoRouteTakesIsSkippedWithoutAFetch() throws IOException {
        String invoiceId = unique("in");
        stripe.holdsObject(objectWithId(StripeFixtures.object("invoice"), invoiceId));
        byte[] thin = typed(thinEvent(StripeFixtures.thin("v1.invoice.paid"), unique("evt_test"), invoiceId, null),
                "v1.invoice.upcoming");

        postSigned(thin).statusCode(200);
        Delivery skipped = awaitStatus("default", StripeFixtures.eventId(thin), "skipped");

        assertThat(skipped.attempts()).isZero();
        assertThat(stripe.requestsOf(path("invoice", invoiceId))).isZero();
    }

    @Test
    void severalThinEventsOfOneObjectInOneClaimCostOneFetch() throws IOException {
        String payoutId = unique("po");
        stripe.holdsObject(objectWithId(StripeFixtures.object("payout"), payoutId));
        byte[] fixture = StripeFixtures.thin("v1.payout.paid");
        List<byte[]> events = List.of(
                thinEvent(fixture, unique("evt_test"), payoutId, "2026-11-24T12:00:00.045Z"),
                thinEvent(fixture, unique("evt_test"), payoutId, "2026-11-24T12:00:00.046Z"),
                thinEvent(fixture, unique("evt_test"), payoutId, "2026-11-24T12:00:01.001Z"));

        // One statement: the three are due together and the claim takes an object's events together.
        storeAtOnce("default", events);
        events.forEach(event -> awaitStatus("default", StripeFixtures.eventId(event), null));

        assertThat(stripe.requestsOf(path("payout", payoutId))).isEqualTo(1);
        assertThat(pushes(PAYOUT_ID, payoutId)).hasSize(1);
        assertThat(salesforce.record(PAYOUT, payoutId))
                .containsEntry("Last_Stripe_Event_Id__c", StripeFixtures.eventId(events.get(2)));
    }

    @Test
    void thinAndSnapshotEventsOfOneObjectShuffledAndDuplicatedEndInItsNewestState() throws IOException {
        String invoiceId = unique("in");
        byte[] paidObject = objectWithId(StripeFixtures.object("invoice"), invoiceId);
        stripe.holdsObject(paidObject);
        List<byte[]> story = new ArrayList<>();
        for (String type : List.of("invoice.created", "invoice.finalized", "invoice.updated", "invoice.paid")) {
            byte[] fixture = StripeFixtures.bytes(type);
            JsonNode object = tree(fixture).at("/data/object");
            story.add(snapshotEvent(type, unique("evt"), tree(fixture).path("created").asLong(),
                    objectWithId(JSON.writeValueAsBytes(object), invoiceId)));
        }
        byte[] thinPaid = thinEvent(StripeFixtures.thin("v1.invoice.paid"), unique("evt_test"), invoiceId, null);
        byte[] thinFinalized = thinEvent(StripeFixtures.thin("v1.invoice.paid"), unique("evt_test"), invoiceId,
                Instant.ofEpochSecond(tree(StripeFixtures.bytes("invoice.finalized")).path("created").asLong())
                        .plusMillis(500).toString());
        story.add(typed(thinFinalized, "v1.invoice.finalized"));
        story.add(thinPaid);
        Random random = new Random(20261129);
        List<byte[]> shuffled = StripeEvents.duplicatedAndShuffled(story, random);

        shuffled.forEach(event -> postSigned(event).statusCode(200));
        story.forEach(event -> awaitStatus("default", StripeFixtures.eventId(event), null));

        Map<String, Object> record = salesforce.record(INVOICE, invoiceId);
        assertThat(record).containsEntry("Status__c", "paid")
                .containsEntry("Last_Stripe_Event_Id__c", StripeFixtures.eventId(thinPaid))
                .containsEntry("Last_Stripe_Event_Type__c", "invoice.paid")
                .containsEntry("Last_Stripe_Event_At__c", tree(thinPaid).path("created").asText())
                .containsEntry("Attempt_Count__c", 2);
        RecordAssertions.assertAmount(record, "Amount_Paid__c", "125.00");
        RecordAssertions.assertAmount(record, "Amount_Remaining__c", "0.00");
        story.forEach(event -> assertThat(TestDatabase.delivery("default", StripeFixtures.eventId(event)))
                .hasValueSatisfying(delivery -> assertThat(delivery.status()).isIn("delivered", "skipped")));
    }

    /**
     * README "Thin events (event destinations)": while both destinations are enabled, the same change
     * arrives as a snapshot and as a thin event. Salesforce ends in the same state either way round,
     * written at most once more than by the snapshot event alone.
     */
    @ParameterizedTest
    @CsvSource({ "snapshot first", "thin first" })
    void theSameChangeAsSnapshotAndThinEventWritesSalesforceOnceMoreAtMost(String order) throws IOException {
        String payoutId = unique("po");
        byte[] object = objectWithId(StripeFixtures.object("payout"), payoutId);
        stripe.holdsObject(object);
        byte[] thin = thinEvent(StripeFixtures.thin("v1.payout.paid"), unique("evt_test"), payoutId, null);
        Instant created = Instant.parse(tree(thin).path("created").asText());
        byte[] snapshot = snapshotEvent("payout.paid", unique("evt"), created.getEpochSecond(), object);
        List<byte[]> arrivals = order.equals("snapshot first") ? List.of(snapshot, thin) : List.of(thin, snapshot);

        postSigned(arrivals.get(0)).statusCode(200);
        awaitStatus("default", StripeFixtures.eventId(arrivals.get(0)), "delivered");
        Map<String, Object> afterFirst = new LinkedHashMap<>(salesforce.record(PAYOUT, payoutId));
        postSigned(arrivals.get(1)).statusCode(200);
        awaitStatus("default", StripeFixtures.eventId(arrivals.get(1)), null);

        // Retries of one push (a Salesforce timeout on a busy machine) send the same record: one write.
        assertThat(pushes(PAYOUT_ID, payoutId)).hasSize(order.equals("snapshot first") ? 2 : 1);
        Map<String, Object> finalState = new LinkedHashMap<>(salesforce.record(PAYOUT, payoutId));
        // The thin event is the newer of the two (it keeps its milliseconds): it names the record last.
        assertThat(finalState).containsEntry("Last_Stripe_Event_Id__c", StripeFixtures.eventId(thin))
                .containsEntry("Last_Stripe_Event_At__c", created.toString());
        for (String lastEvent : List.of("Last_Stripe_Event_Id__c", "Last_Stripe_Event_At__c")) {
            afterFirst.remove(lastEvent);
            finalState.remove(lastEvent);
        }
        assertThat(finalState).isEqualTo(afterFirst);
        assertThat(finalState).containsEntry("Status__c", "paid");
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    private static String path(String objectType, String id) {
        return "/v1/" + objectType + "s/" + id;
    }

    private static JsonNode tree(byte[] body) throws IOException {
        return JSON.readTree(body);
    }

    private static byte[] objectWithId(byte[] object, String id) throws IOException {
        ObjectNode tree = (ObjectNode) tree(object);
        tree.put("id", id);
        return JSON.writeValueAsBytes(tree);
    }

    /** A thin fixture naming another object, under another id, optionally at another time. */
    private static byte[] thinEvent(byte[] fixture, String eventId, String objectId, String created) throws IOException {
        ObjectNode event = (ObjectNode) tree(fixture);
        event.put("id", eventId);
        if (created != null) {
            event.put("created", created);
        }
        ObjectNode related = (ObjectNode) event.path("related_object");
        related.put("id", objectId);
        related.put("url", path(related.path("type").asText(), objectId));
        return JSON.writeValueAsBytes(event);
    }

    private static byte[] typed(byte[] event, String type) throws IOException {
        ObjectNode tree = (ObjectNode) tree(event);
        tree.put("type", type);
        return JSON.writeValueAsBytes(tree);
    }

    /** The snapshot fixture of {@code type} carrying {@code object}, at {@code created}. */
    private static byte[] snapshotEvent(String type, String eventId, long created, byte[] object) throws IOException {
        ObjectNode event = (ObjectNode) tree(StripeFixtures.bytes(type));
        event.put("id", eventId);
        event.put("created", created);
        ((ObjectNode) event.path("data")).set("object", tree(object));
        return JSON.writeValueAsBytes(event);
    }

    /** The one record Salesforce was sent under this external id, as sent. */
    private Map<String, Object> sentRecord(String externalIdField, String externalId) throws IOException {
        Set<Map<String, Object>> pushes = pushes(externalIdField, externalId);
        assertThat(pushes).as("records sent for " + externalId).hasSize(1);
        return new LinkedHashMap<>(pushes.iterator().next());
    }

    /**
     * The writes Paybridge sent for one record: each distinct record body once, so that a push
     * retried after a timeout counts as the one write it is.
     */
    private Set<Map<String, Object>> pushes(String externalIdField, String externalId) throws IOException {
        Set<Map<String, Object>> sent = new LinkedHashSet<>();
        for (String body : salesforce.requestBodies()) {
            for (JsonNode record : tree(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)).path("records")) {
                if (externalId.equals(record.path(externalIdField).asText(null))) {
                    Map<String, Object> fields = JSON.convertValue(record,
                            new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() {
                            });
                    fields.remove("attributes");
                    sent.add(fields);
                }
            }
        }
        return sent;
    }

    private List<String> statusesAnswered(String path) {
        return stripe.objectRequests().stream()
                .filter(request -> path.equals(request.get("path")))
                .map(request -> request.get("status"))
                .toList();
    }

    /** Waits until the event has this status, or (null) any final one. */
    private static Delivery awaitStatus(String account, String eventId, String status) {
        return await().atMost(DEADLINE).until(() -> TestDatabase.delivery(account, eventId).orElse(null),
                event -> event != null && (status == null ? event.done() : status.equals(event.status())));
    }

    /** Stores events in one statement, as the intake would have stored them. */
    private static void storeAtOnce(String account, List<byte[]> events) throws IOException {
        StringBuilder sql = new StringBuilder("""
                INSERT INTO stripe_event (account, event_id, type, livemode, object_id, object_type, created, payload,
                                          thin, related_url) VALUES""");
        for (int i = 0; i < events.size(); i++) {
            sql.append(i == 0 ? " " : ", ").append("(?, ?, ?, false, ?, ?, ?::timestamptz, ?, true, ?)");
        }
        try (Connection connection = TestDatabase.connect();
                PreparedStatement insert = connection.prepareStatement(sql.toString())) {
            int parameter = 1;
            for (byte[] body : events) {
                JsonNode event = tree(body);
                insert.setString(parameter++, account);
                insert.setString(parameter++, event.path("id").asText());
                insert.setString(parameter++, event.path("type").asText());
                insert.setString(parameter++, event.at("/related_object/id").asText());
                insert.setString(parameter++, event.at("/related_object/type").asText());
                insert.setString(parameter++, event.path("created").asText());
                insert.setBytes(parameter++, body);
                insert.setString(parameter++, event.at("/related_object/url").asText());
            }
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
