package io.paybridge.delivery;

import static io.paybridge.testing.Webhooks.postSigned;
import static io.restassured.RestAssured.given;
import static io.paybridge.testing.Deliveries.awaitAllDone;
import static io.paybridge.testing.Deliveries.eventsGauge;
import static io.paybridge.testing.Deliveries.metrics;
import static io.paybridge.testing.Deliveries.series;
import static io.paybridge.testing.RecordAssertions.assertAmount;
import static io.paybridge.testing.SObjects.INVOICE;
import static io.paybridge.testing.SObjects.PAYMENT;
import static io.paybridge.testing.SObjects.PAYOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.paybridge.testing.FakeSalesforce;
import io.paybridge.testing.InjectFakeSalesforce;
import io.paybridge.testing.StripeEvents;
import io.paybridge.testing.StripeFixtures;
import io.paybridge.testing.StripeSigner;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.paybridge.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * Stored events become Salesforce records: the fixture story of both API versions field by field,
 * in any order of arrival, with every currency exponent. Each test tells its story about objects of
 * its own (every Stripe id ends with the test's {@link #tag}) and looks only at those: other tests'
 * events and records may share the database and the fake Salesforce.
 */
@QuarkusTest
@TestProfile(DeliveryProfile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class DeliveryTest {

    static final String INVOICE_ID = "in_1TQk5bR2hXk9LmQaHq2W8sKd";
    static final String PI_PAID = "pi_3TQk6cR2hXk9LmQa1F9gJk2M";
    static final String PAYOUT_PAID = "po_1TQkAaR2hXk9LmQaPo1aBcDe";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUCCESSES = "paybridge_salesforce_requests_total{outcome=\"success\"}";
    private static final String PAYOUTS_DELIVERED =
            "paybridge_salesforce_records_total{outcome=\"delivered\",sobject=\"Stripe_Payout__c\"}";

    @InjectFakeSalesforce
    FakeSalesforce salesforce;
    /** Ends every Stripe id, and so every Salesforce external id, of this test. */
    final String tag = StripeEvents.uniqueTag();


    @Test
    void theCurrentApiStoryLandsFieldByField() {
        List<byte[]> story = tagged(inStoryOrder(StripeFixtures.ROOT), tag);

        story.forEach(event -> postSigned(event).statusCode(200));
        awaitAllDone("default", tag, story.size());

        assertRecord(record(INVOICE, INVOICE_ID), entries(
                "Invoice_Number__c", "NWT7F3A1-0001",
                "Status__c", "paid",
                "Amount_Due__c", new BigDecimal("125.00"),
                "Amount_Paid__c", new BigDecimal("125.00"),
                "Amount_Remaining__c", new BigDecimal("0.00"),
                "Currency__c", "USD",
                "Customer_Id__c", "cus_TQk3mZ8vN2pL4a",
                "Customer_Email__c", "ap@northwind-traders.example",
                "Attempt_Count__c", 2,
                "Next_Payment_Attempt__c", null,
                "Due_Date__c", null,
                "Hosted_Invoice_Url__c", "https://invoice.stripe.com/i/acct_1QR2hXk9LmQa/test_YWNjdF8xUSR2aFhr",
                // Current API versions link invoice and payment only through invoice_payment.paid.
                "Payment_Intent_Id__c", PI_PAID,
                "Stripe_Account__c", "default",
                "Livemode__c", false,
                "Last_Stripe_Event_Id__c", "evt_1TQk16R2hXk9LmQaEv0126704",
                "Last_Stripe_Event_Type__c", "invoice.payment_succeeded",
                "Last_Stripe_Event_At__c", "2026-11-23T10:01:41Z"));
        assertRecord(record(PAYMENT, PI_PAID), entries(
                "Status__c", "succeeded",
                "Amount__c", new BigDecimal("125.00"),
                "Amount_Received__c", new BigDecimal("125.00"),
                "Currency__c", "USD",
                "Customer_Id__c", "cus_TQk3mZ8vN2pL4a",
                "Description__c", null,
                // The failed first attempt's error is cleared by the success.
                "Last_Payment_Error__c", null,
                "Decline_Code__c", null,
                "Cancellation_Reason__c", null,
                "Invoice_Id__c", INVOICE_ID,
                "Charge_Id__c", "ch_3TQk6cR2hXk9LmQa0N7bHx4P",
                "Charge_Status__c", "succeeded",
                "Amount_Refunded__c", new BigDecimal("25.00"),
                "Receipt_Url__c", "https://pay.stripe.com/receipts/invoices/CAcaFwoVYWNjdF8xUSR2aFhr?s=ap",
                "Failure_Code__c", null,
                "Failure_Message__c", null,
                "Stripe_Account__c", "default",
                "Livemode__c", false,
                "Last_Stripe_Event_Id__c", "evt_3TQk18R2hXk9LmQaEv0142542",
                "Last_Stripe_Event_Type__c", "charge.refunded",
                "Last_Stripe_Event_At__c", "2026-11-24T09:00:00Z"));
        assertRecord(record(PAYOUT, PAYOUT_PAID), entries(
                "Status__c", "paid",
                "Amount__c", new BigDecimal("984.31"),
                "Currency__c", "USD",
                "Arrival_Date__c", "2026-11-25",
                "Method__c", "standard",
                "Type__c", "bank_account",
                "Automatic__c", true,
                "Failure_Code__c", null,
                "Failure_Message__c", null,
                "Reconciliation_Status__c", "completed",
                "Description__c", "STRIPE PAYOUT",
                "Statement_Descriptor__c", null,
                "Destination_Id__c", "ba_1TQk2zR2hXk9LmQaBk9dEf0G",
                "Stripe_Account__c", "default",
                "Livemode__c", false,
                "Last_Stripe_Event_Id__c", "evt_1TQk24R2hXk9LmQaEv0190056",
                "Last_Stripe_Event_Type__c", "payout.reconciliation_completed",
                "Last_Stripe_Event_At__c", "2026-11-25T09:30:00Z"));
        assertThat(record(PAYMENT, "pi_3TQk7dR2hXk9LmQa0Ux5Nw2Q")).containsEntry("Status__c", "processing");
        assertThat(record(PAYMENT, "pi_3TQk8eR2hXk9LmQa1Ks3Df7G"))
                .containsEntry("Status__c", "canceled").containsEntry("Cancellation_Reason__c", "void_invoice");
        assertThat(record(PAYOUT, "po_1TQkBbR2hXk9LmQaFl2jKl3M"))
                .containsEntry("Status__c", "failed").containsEntry("Failure_Code__c", "account_closed");
        assertThat(record(PAYOUT, "po_1TQkCcR2hXk9LmQaCn3vWx4Y"))
                .containsEntry("Status__c", "canceled").containsEntry("Automatic__c", false);
        assertThat(salesforce.records(INVOICE, tag)).hasSize(1);
        assertThat(salesforce.records(PAYMENT, tag)).hasSize(3);
        assertThat(salesforce.records(PAYOUT, tag)).hasSize(3);
        Map<String, String> statuses = TestDatabase.statuses("default", tag);
        assertThat(statuses).doesNotContainValue("dead");
        // customer.* and payment_method.* have no route.
        assertThat(statuses).containsEntry("evt_1TQk01R2hXk9LmQaEv0007919" + tag, "skipped");
    }

    @Test
    void theLegacyApiStoryLandsWithTheOldPointers() {
        List<byte[]> story = tagged(inStoryOrder(StripeFixtures.LEGACY), tag);

        story.forEach(event -> Webhooks.post("/webhooks/stripe/acme", event,
                StripeSigner.header(Webhooks.ACME_SECRET, event)).statusCode(200));
        awaitAllDone("acme", tag, story.size());

        Map<String, Object> invoice = record(INVOICE, INVOICE_ID);
        assertThat(invoice).containsEntry("Payment_Intent_Id__c", PI_PAID)
                .containsEntry("Status__c", "paid")
                .containsEntry("Stripe_Account__c", "acme")
                .containsEntry("Last_Stripe_Event_Id__c", "evt_1TQk16R2hXk9LmQaEv0126704");
        assertAmount(invoice, "Amount_Paid__c", "125.00");
        assertThat(record(PAYMENT, PI_PAID)).containsEntry("Invoice_Id__c", INVOICE_ID)
                .containsEntry("Status__c", "succeeded")
                .containsEntry("Charge_Id__c", "ch_3TQk6cR2hXk9LmQa0N7bHx4P");
        assertThat(record(PAYMENT, "pi_3TQk7dR2hXk9LmQa0Ux5Nw2Q"))
                .containsEntry("Invoice_Id__c", "in_1TQk7bR2hXk9LmQaVr8Pe2Ja");
        assertThat(TestDatabase.statuses("acme", tag)).doesNotContainValue("dead");
    }

    @Test
    void theStoryShuffledWithDuplicatesEndsInTheSameRecords() {
        List<byte[]> story = inStoryOrder(StripeFixtures.ROOT);
        tagged(story, tag).forEach(event -> postSigned(event).statusCode(200));
        awaitAllDone("default", tag, story.size());
        Map<String, Map<String, Map<String, Object>>> inOrder = everything(tag);

        // The same story about objects of its own (another tag), so that nothing of the first
        // telling, in the database or in Salesforce, can help or hinder the second.
        String shuffledTag = StripeEvents.uniqueTag();
        Random random = new Random(20261123);
        List<byte[]> shuffled = StripeEvents.duplicatedAndShuffled(tagged(story, shuffledTag), random);
        shuffled.forEach(event -> postSigned(event).statusCode(200));
        awaitAllDone("default", shuffledTag, story.size());

        assertThat(everything(shuffledTag)).isEqualTo(inOrder);
    }

    @Test
    void amountsFollowTheCurrencyExponent() {
        byte[] yen = StripeEvents.payout("po_jpy_1000" + tag).field("currency", "jpy").field("amount", 1000).bytes();
        byte[] dollars = StripeEvents.payout("po_usd_1000" + tag).field("currency", "usd").field("amount", 1000).bytes();
        byte[] dinars = StripeEvents.payout("po_bhd_1000" + tag).field("currency", "bhd").field("amount", 1000).bytes();

        List.of(yen, dollars, dinars).forEach(event -> postSigned(event).statusCode(200));
        awaitAllDone("default", tag, 3);

        assertAmount(record(PAYOUT, "po_jpy_1000"), "Amount__c", "1000");
        assertThat(record(PAYOUT, "po_jpy_1000")).containsEntry("Currency__c", "JPY");
        assertAmount(record(PAYOUT, "po_usd_1000"), "Amount__c", "10.00");
        assertAmount(record(PAYOUT, "po_bhd_1000"), "Amount__c", "1.000");
        // The request that carried the dinars (alone, or with this test's other payouts).
        assertThat(salesforce.requestBodies()).filteredOn(body -> body.contains("po_bhd_1000" + tag))
                .anySatisfy(body -> assertThat(body).contains("\"Amount__c\":1.000"));
    }

    @Test
    void absentFieldsAreNotSentAndNullFieldsAre() {
        postSigned(StripeEvents.withIdsSuffixed(StripeFixtures.bytes("invoice.created"), tag)).statusCode(200);
        awaitAllDone("default", tag, 1);

        Map<String, Object> invoice = record(INVOICE, INVOICE_ID);
        // invoice.payment_intent does not exist on current API versions: never sent, never cleared.
        assertThat(invoice).doesNotContainKey("Payment_Intent_Id__c");
        assertThat(invoice).containsEntry("Due_Date__c", null).containsEntry("Status__c", "draft");
    }

    @Test
    void deliveryShowsOnTheMetrics() {
        // paybridge_events counts every stored event, other tests' too, and tests run side by side: the
        // gauge must come to what the table holds, which is at least this one more.
        long before = TestDatabase.scalarCount("SELECT count(*) FROM stripe_event WHERE status = 'delivered'");
        // The counters exist from the start at zero, and other tests add to them: this test adds at least one.
        double successesBefore = series(SUCCESSES);
        double payoutsBefore = series(PAYOUTS_DELIVERED);
        postSigned(StripeEvents.withIdsSuffixed(StripeFixtures.bytes("payout.paid"), tag)).statusCode(200);
        awaitAllDone("default", tag, 1);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            long delivered = TestDatabase.scalarCount("SELECT count(*) FROM stripe_event WHERE status = 'delivered'");
            assertThat(delivered).isGreaterThan(before);
            assertThat(eventsGauge("delivered")).isEqualTo(delivered);
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(series(SUCCESSES)).isGreaterThanOrEqualTo(successesBefore + 1);
            assertThat(series(PAYOUTS_DELIVERED)).isGreaterThanOrEqualTo(payoutsBefore + 1);
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(metrics())
                .contains("paybridge_delivery_lag_seconds_count")
                .contains("paybridge_salesforce_circuit_open 0.0")
                .contains("paybridge_oldest_pending_age_seconds 0.0")
                .containsPattern("paybridge_salesforce_api_usage_ratio [1-9]"));
    }

    /**
     * Every record of the story told with {@code tag}, keyed and valued as the fixtures have them:
     * the tag taken off the Stripe ids (keys and values), without the ids the fake made up, which
     * differ between tellings.
     */
    private Map<String, Map<String, Map<String, Object>>> everything(String tag) {
        Map<String, Map<String, Map<String, Object>>> all = new TreeMap<>();
        for (String sobject : List.of(INVOICE, PAYMENT, PAYOUT)) {
            Map<String, Map<String, Object>> records = new TreeMap<>();
            salesforce.records(sobject, tag).forEach((externalId, fields) ->
                    records.put(externalId.replace(tag, ""), new TreeMap<>(untagged(fields, tag))));
            all.put(sobject, records);
        }
        return all;
    }

    /** The record of this test's object {@code fixtureId} (the fixtures' id, before the tag), the tag taken off its values; null when absent. */
    private Map<String, Object> record(String sobject, String fixtureId) {
        Map<String, Object> record = salesforce.record(sobject, fixtureId + tag);
        return record == null ? null : untagged(record, tag);
    }

    private static Map<String, Object> untagged(Map<String, Object> fields, String tag) {
        Map<String, Object> untagged = new LinkedHashMap<>();
        fields.forEach((name, value) -> untagged.put(name, value instanceof String text ? text.replace(tag, "") : value));
        return untagged;
    }

    /** The events with {@code tag} after every Stripe id they hold: the same story about objects of their own. */
    private static List<byte[]> tagged(List<byte[]> events, String tag) {
        return events.stream().map(event -> StripeEvents.withIdsSuffixed(event, tag)).toList();
    }

    static List<byte[]> inStoryOrder(Path dir) {
        return StripeFixtures.eventsIn(dir).stream()
                .map(StripeFixtures::read)
                .sorted((a, b) -> Long.compare(created(a), created(b)))
                .toList();
    }

    private static long created(byte[] event) {
        try {
            return JSON.readTree(event).path("created").asLong();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Compares a record field by field: the same fields, numbers by value. */
    private static void assertRecord(Map<String, Object> actual, Map<String, Object> expected) {
        assertThat(actual).as("record").isNotNull();
        Map<String, Object> fields = new LinkedHashMap<>(actual);
        fields.keySet().removeIf(name -> name.equals("Id") || name.startsWith("Stripe_") && name.endsWith("_Id__c")
                && !name.equals("Stripe_Account__c"));
        assertThat(fields.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((name, value) -> {
            Object got = fields.get(name);
            if (value instanceof Number number) {
                assertThat(got).as(name).isInstanceOf(Number.class);
                assertThat(new BigDecimal(got.toString())).as(name).isEqualByComparingTo(new BigDecimal(number.toString()));
            } else {
                assertThat(got).as(name).isEqualTo(value);
            }
        });
    }

    private static Map<String, Object> entries(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }

    static JsonNode tree(byte[] body) throws java.io.IOException {
        return JSON.readTree(body);
    }
}
