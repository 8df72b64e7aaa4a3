package io.paybridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.paybridge.testing.StripeFixtures;

/**
 * The default routes applied to the real fixture payloads of both API versions.
 */
class EventMapperTest {

    private final EventMapper mapper = new EventMapper(Routes.defaults());

    @Test
    void mapsAPaidInvoiceFieldByField() {
        List<RecordWrite> writes = mapper.map("default", StripeFixtures.bytes("invoice.payment_succeeded"));

        assertThat(writes).hasSize(1);
        RecordWrite invoice = writes.get(0);
        assertThat(invoice.route()).isEqualTo("invoice");
        assertThat(invoice.sobject()).isEqualTo("Stripe_Invoice_Payment__c");
        assertThat(invoice.externalIdField()).isEqualTo("Stripe_Invoice_Id__c");
        assertThat(invoice.externalId()).isEqualTo("in_1TQk5bR2hXk9LmQaHq2W8sKd");
        assertThat(invoice.fields()).containsExactlyEntriesOf(entries(
                "Invoice_Number__c", "NWT7F3A1-0001",
                "Status__c", "paid",
                "Amount_Due__c", new BigDecimal("125.00"),
                "Amount_Remaining__c", new BigDecimal("0.00"),
                "Currency__c", "USD",
                "Customer_Id__c", "cus_TQk3mZ8vN2pL4a",
                "Customer_Email__c", "ap@northwind-traders.example",
                "Attempt_Count__c", 2L,
                "Next_Payment_Attempt__c", null,
                "Due_Date__c", null,
                "Hosted_Invoice_Url__c", "https://invoice.stripe.com/i/acct_1QR2hXk9LmQa/test_YWNjdF8xUSR2aFhr"));
        // Written by two routes, so it follows the newest event; payment_intent is absent on this API version.
        assertThat(invoice.sharedFields()).containsExactlyEntriesOf(entries(
                "Amount_Paid__c", new BigDecimal("125.00"),
                "Stripe_Account__c", "default",
                "Livemode__c", false,
                "Last_Stripe_Event_Id__c", "evt_1TQk16R2hXk9LmQaEv0126704",
                "Last_Stripe_Event_Type__c", "invoice.payment_succeeded",
                "Last_Stripe_Event_At__c", "2026-11-23T10:01:41Z"));
    }

    @Test
    void mapsTheLegacyInvoiceWithItsPaymentIntent() {
        byte[] legacy = StripeFixtures.read(StripeFixtures.LEGACY.resolve("invoice.paid.json"));

        RecordWrite invoice = mapper.map("acme", legacy).get(0);

        assertThat(invoice.sharedFields()).containsEntry("Payment_Intent_Id__c", "pi_3TQk6cR2hXk9LmQa1F9gJk2M")
                .containsEntry("Stripe_Account__c", "acme");
    }

    @Test
    void linksInvoiceAndPaymentThroughTheInvoicePayment() {
        List<RecordWrite> writes = mapper.map("default", StripeFixtures.bytes("invoice_payment.paid"));

        assertThat(writes).extracting(RecordWrite::route).containsExactly("invoice-payment-invoice", "invoice-payment-payment");
        assertThat(writes.get(0).externalId()).isEqualTo("in_1TQk5bR2hXk9LmQaHq2W8sKd");
        assertThat(writes.get(0).fields()).isEmpty();
        assertThat(writes.get(0).sharedFields()).containsEntry("Payment_Intent_Id__c", "pi_3TQk6cR2hXk9LmQa1F9gJk2M")
                .containsEntry("Amount_Paid__c", new BigDecimal("125.00"));
        assertThat(writes.get(1).externalId()).isEqualTo("pi_3TQk6cR2hXk9LmQa1F9gJk2M");
        assertThat(writes.get(1).sharedFields()).containsEntry("Invoice_Id__c", "in_1TQk5bR2hXk9LmQaHq2W8sKd");
    }

    @Test
    void aFailedPaymentCarriesItsErrorAndASucceededOneClearsIt() {
        RecordWrite failed = mapper.map("default", StripeFixtures.bytes("payment_intent.payment_failed")).get(0);
        RecordWrite succeeded = mapper.map("default", StripeFixtures.bytes("payment_intent.succeeded")).get(0);

        assertThat(failed.fields()).containsEntry("Status__c", "requires_payment_method")
                .containsEntry("Decline_Code__c", "insufficient_funds")
                .containsKey("Last_Payment_Error__c");
        assertThat(failed.fields().get("Last_Payment_Error__c")).isNotNull();
        // last_payment_error is null: the path crosses a null, so both fields are sent as null.
        assertThat(succeeded.fields()).containsEntry("Last_Payment_Error__c", null)
                .containsEntry("Decline_Code__c", null)
                .containsEntry("Amount_Received__c", new BigDecimal("125.00"))
                .doesNotContainKey("Invoice_Id__c");
    }

    @Test
    void aChargeWritesItsPaymentIntentsRecord() {
        RecordWrite refunded = mapper.map("default", StripeFixtures.bytes("charge.refunded")).get(0);

        assertThat(refunded.sobject()).isEqualTo("Stripe_Payment__c");
        assertThat(refunded.externalId()).isEqualTo("pi_3TQk6cR2hXk9LmQa1F9gJk2M");
        assertThat(refunded.fields()).containsExactlyEntriesOf(entries(
                "Charge_Id__c", "ch_3TQk6cR2hXk9LmQa0N7bHx4P",
                "Charge_Status__c", "succeeded",
                "Amount_Refunded__c", new BigDecimal("25.00"),
                "Receipt_Url__c", "https://pay.stripe.com/receipts/invoices/CAcaFwoVYWNjdF8xUSR2aFhr?s=ap",
                "Failure_Code__c", null,
                "Failure_Message__c", null));
    }

    @Test
    void aChargeWithoutPaymentIntentMakesNoRecord() {
        String charge = text("charge.succeeded").replace("\"payment_intent\": \"pi_3TQk6cR2hXk9LmQa1F9gJk2M\"",
                "\"payment_intent\": null");
        assertThat(charge).contains("\"payment_intent\": null");

        assertThat(mapper.map("default", charge.getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void mapsAPayoutWithDatesAndBooleans() {
        RecordWrite payout = mapper.map("default", StripeFixtures.bytes("payout.paid")).get(0);

        assertThat(payout.externalId()).isEqualTo("po_1TQkAaR2hXk9LmQaPo1aBcDe");
        assertThat(payout.fields()).containsEntry("Amount__c", new BigDecimal("984.31"))
                .containsEntry("Arrival_Date__c", "2026-11-25")
                .containsEntry("Automatic__c", true)
                .containsEntry("Destination_Id__c", "ba_1TQk2zR2hXk9LmQaBk9dEf0G")
                .containsEntry("Statement_Descriptor__c", null);
    }

    @Test
    void amountsFollowTheCurrencyExponent() {
        assertThat(payoutAmount("jpy", 1000)).isEqualTo(new BigDecimal("1000"));
        assertThat(payoutAmount("usd", 1000)).isEqualTo(new BigDecimal("10.00"));
        assertThat(payoutAmount("bhd", 1000)).isEqualTo(new BigDecimal("1.000"));
        assertThat(payoutAmount("krw", 5)).isEqualTo(new BigDecimal("5"));
        assertThat(payoutAmount("kwd", 12345)).isEqualTo(new BigDecimal("12.345"));
    }

    @Test
    void eventsWithoutRouteMapToNothing() {
        assertThat(mapper.map("default", StripeFixtures.bytes("customer.created"))).isEmpty();
        assertThat(mapper.map("default", StripeFixtures.bytes("payment_method.attached"))).isEmpty();
        String upcoming = text("invoice.created").replace("\"type\": \"invoice.created\"", "\"type\": \"invoice.upcoming\"");
        assertThat(upcoming).contains("invoice.upcoming");
        assertThat(mapper.map("default", upcoming.getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void everyFixtureOfBothApiVersionsMaps() {
        StripeFixtures.allEvents().forEach(file -> mapper.map("default", StripeFixtures.read(file)));
    }

    @Test
    void anUnreadableEventIsRefusedWithoutItsContent() {
        assertThatThrownBy(() -> mapper.map("default", "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UnmappableEventException.class).hasMessage("the event is not valid JSON");
        assertThatThrownBy(() -> mapper.map("default", "{\"type\":\"payout.paid\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UnmappableEventException.class);
        String textAmount = text("payout.paid").replace("\"amount\": 98431", "\"amount\": \"98431\"");
        assertThatThrownBy(() -> mapper.map("default", textAmount.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UnmappableEventException.class).hasMessageContaining("Amount__c")
                .hasMessageNotContaining("98431");
    }

    private BigDecimal payoutAmount(String currency, long amount) {
        String payout = text("payout.paid").replace("\"currency\": \"usd\"", "\"currency\": \"" + currency + "\"")
                .replace("\"amount\": 98431", "\"amount\": " + amount);
        return (BigDecimal) mapper.map("default", payout.getBytes(StandardCharsets.UTF_8)).get(0).fields().get("Amount__c");
    }

    private static String text(String type) {
        return new String(StripeFixtures.bytes(type), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> entries(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
