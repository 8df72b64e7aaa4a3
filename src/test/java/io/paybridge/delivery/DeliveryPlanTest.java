package io.paybridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.paybridge.delivery.ClaimedEvent.EventRef;
import io.paybridge.delivery.DeliveryPlan.MappedEvent;
import io.paybridge.event.EventStatus;
import io.paybridge.delivery.DeliveryPlan.PlannedRecord;
import io.paybridge.mapping.RecordWrite;
import org.junit.jupiter.api.Test;

class DeliveryPlanTest {

    private static final String PAYMENT = "Stripe_Payment__c";
    private static final String PI = "pi_1";
    private static final String INVOICE = "Stripe_Invoice_Payment__c";
    private static final RecordKey PAYMENT_RECORD = new RecordKey(PAYMENT, PI);

    @Test
    void collapsesSeveralEventsOfOneRecordIntoOneUpsertOfTheNewestState() {
        MappedEvent processing = paymentIntent("evt_a", 100, "processing");
        MappedEvent succeeded = paymentIntent("evt_b", 200, "succeeded");

        DeliveryPlan plan = DeliveryPlan.of(List.of(succeeded, processing), Map.of());

        assertThat(plan.records()).hasSize(1);
        PlannedRecord record = plan.records().iterator().next();
        assertThat(record.body()).containsEntry("Stripe_Payment_Intent_Id__c", PI)
                .containsEntry("Status__c", "succeeded")
                .containsEntry("Last_Stripe_Event_Id__c", "evt_b");
        assertThat(record.contributors()).extracting(EventRef::eventId).containsExactly("evt_a", "evt_b");
        assertThat(plan.pushedBy()).containsKeys(ref("evt_a"), ref("evt_b"));
    }

    @Test
    void ranksStatusesWithinTheSameSecond() {
        MappedEvent requiresAction = paymentIntent("evt_z", 100, "requires_action");
        MappedEvent succeeded = paymentIntent("evt_a", 100, "succeeded");

        DeliveryPlan plan = DeliveryPlan.of(List.of(succeeded, requiresAction), Map.of());

        assertThat(plan.records().iterator().next().body()).containsEntry("Status__c", "succeeded");
    }

    @Test
    void skipsAnEventOlderThanWhatTheRecordAlreadyShows() {
        RecordState delivered = new RecordState("a0B1", Map.of("payment_intent", key(200, "payment_intent", "succeeded", "evt_b")),
                key(200, "payment_intent", "succeeded", "evt_b"));
        MappedEvent late = paymentIntent("evt_a", 100, "processing");

        DeliveryPlan plan = DeliveryPlan.of(List.of(late), Map.of(PAYMENT_RECORD, delivered));

        assertThat(plan.records()).isEmpty();
        assertThat(plan.settled().get(ref("evt_a")).status()).isEqualTo(EventStatus.SKIPPED);
        assertThat(plan.settled().get(ref("evt_a")).reason()).startsWith("superseded");
    }

    @Test
    void pushesAReplayedEventAgainWhileItIsStillTheNewestOfItsRecord() {
        OrderingKey newest = key(200, "payment_intent", "succeeded", "evt_b");
        RecordState delivered = new RecordState("a0B1", Map.of("payment_intent", newest), newest);

        DeliveryPlan plan = DeliveryPlan.of(List.of(paymentIntent("evt_b", 200, "succeeded")), Map.of(PAYMENT_RECORD, delivered));

        assertThat(plan.records()).hasSize(1);
        assertThat(plan.settled()).doesNotContainKey(ref("evt_b"));
    }

    @Test
    void letsAnOlderEventOfAnotherRouteWriteItsOwnFieldsButNotTheSharedOnes() {
        OrderingKey paymentIntentSucceeded = key(300, "payment_intent", "succeeded", "evt_pi");
        RecordState state = new RecordState("a0B1", Map.of("payment_intent", paymentIntentSucceeded,
                "field:Last_Stripe_Event_Id__c", paymentIntentSucceeded), paymentIntentSucceeded);
        MappedEvent chargeSucceeded = mapped(event("evt_ch", 290, "charge", "succeeded"), new RecordWrite("charge", PAYMENT,
                "Stripe_Payment_Intent_Id__c", PI, fields("Charge_Status__c", "succeeded"), shared("evt_ch")));

        DeliveryPlan plan = DeliveryPlan.of(List.of(chargeSucceeded), Map.of(PAYMENT_RECORD, state));

        Map<String, Object> body = plan.records().iterator().next().body();
        assertThat(body).containsEntry("Charge_Status__c", "succeeded")
                .doesNotContainKey("Last_Stripe_Event_Id__c");
        assertThat(plan.records().iterator().next().newest()).isEqualTo(paymentIntentSucceeded);
    }

    @Test
    void aSharedFieldTheNewestEventLacksKeepsTheValueOfTheNewestEventThatHasIt() {
        // invoice_payment.paid (rank 2) and invoice.paid (rank 3) share a second; only the former
        // carries Payment_Intent_Id__c on current API versions.
        Map<String, Object> invoicePaidShared = shared("evt_inv");
        Map<String, Object> inpayShared = shared("evt_inpay");
        inpayShared.put("Payment_Intent_Id__c", PI);
        MappedEvent invoicePaid = mapped(event("evt_inv", 500, "invoice", "paid"), new RecordWrite("invoice", INVOICE,
                "Stripe_Invoice_Id__c", "in_1", fields("Status__c", "paid"), invoicePaidShared));
        MappedEvent inpay = mapped(event("evt_inpay", 500, "invoice_payment", "paid"), new RecordWrite("invoice-payment",
                INVOICE, "Stripe_Invoice_Id__c", "in_1", Map.of(), inpayShared));
        RecordKey record = new RecordKey(INVOICE, "in_1");

        DeliveryPlan invoiceFirst = DeliveryPlan.of(List.of(invoicePaid), Map.of());
        RecordState afterInvoice = new RecordState("a0B2", invoiceFirst.records().iterator().next().watermarks(),
                invoiceFirst.records().iterator().next().newest());
        Map<String, Object> thenInpay = DeliveryPlan.of(List.of(inpay), Map.of(record, afterInvoice))
                .records().iterator().next().body();

        assertThat(thenInpay).containsEntry("Payment_Intent_Id__c", PI).doesNotContainKey("Last_Stripe_Event_Id__c");
    }

    @Test
    void skipsAnEventWithoutRoutesAndMarksAnUnreadableOneDead() {
        MappedEvent customer = new MappedEvent(event("evt_c", 100, "customer", null), List.of(), null);
        MappedEvent broken = new MappedEvent(event("evt_x", 100, "invoice", "paid"), List.of(), "not JSON");

        DeliveryPlan plan = DeliveryPlan.of(List.of(customer, broken), Map.of());

        assertThat(plan.settled().get(ref("evt_c")).status()).isEqualTo(EventStatus.SKIPPED);
        assertThat(plan.settled().get(ref("evt_x")).status()).isEqualTo(EventStatus.DEAD);
        assertThat(plan.records()).isEmpty();
    }

    @Test
    void anEventIsAsBadAsTheWorstOfItsRecords() {
        RecordKey invoice = new RecordKey("Stripe_Invoice_Payment__c", "in_1");
        MappedEvent invoicePayment = mapped(event("evt_ip", 100, "invoice_payment", "paid"),
                new RecordWrite("invoice_payment_invoice", "Stripe_Invoice_Payment__c", "Stripe_Invoice_Id__c", "in_1",
                        fields("Payment_Intent_Id__c", PI), shared("evt_ip")),
                new RecordWrite("invoice_payment_payment", PAYMENT, "Stripe_Payment_Intent_Id__c", PI,
                        fields("Invoice_Id__c", "in_1"), shared("evt_ip")));

        DeliveryPlan plan = DeliveryPlan.of(List.of(invoicePayment), Map.of());

        assertThat(plan.outcomesOfPushedEvents(Map.of(invoice, RecordOutcome.delivered("a01"),
                PAYMENT_RECORD, RecordOutcome.retry("UNABLE_TO_LOCK_ROW"))).get(ref("evt_ip")).kind())
                .isEqualTo(RecordOutcome.Kind.RETRY);
        assertThat(plan.outcomesOfPushedEvents(Map.of(invoice, RecordOutcome.dead("INVALID_FIELD"),
                PAYMENT_RECORD, RecordOutcome.retry("UNABLE_TO_LOCK_ROW"))).get(ref("evt_ip")).kind())
                .isEqualTo(RecordOutcome.Kind.DEAD);
        assertThat(plan.outcomesOfPushedEvents(Map.of(invoice, RecordOutcome.delivered("a01"),
                PAYMENT_RECORD, RecordOutcome.delivered("a02"))).get(ref("evt_ip")).kind())
                .isEqualTo(RecordOutcome.Kind.DELIVERED);
    }

    @Test
    void everyOrderOfArrivalEndsInTheSameState() {
        List<MappedEvent> story = List.of(
                paymentIntent("evt_1", 100, "requires_payment_method"),
                paymentIntent("evt_2", 150, "requires_action"),
                paymentIntent("evt_3", 150, "processing"),
                paymentIntent("evt_4", 300, "succeeded"),
                mapped(event("evt_5", 299, "charge", "succeeded"), new RecordWrite("charge", PAYMENT,
                        "Stripe_Payment_Intent_Id__c", PI, fields("Charge_Status__c", "succeeded"), shared("evt_5"))),
                mapped(event("evt_6", 120, "charge", "failed"), new RecordWrite("charge", PAYMENT,
                        "Stripe_Payment_Intent_Id__c", PI, fields("Charge_Status__c", "failed"), shared("evt_6"))));
        Map<String, Object> inOrder = applyOneByOne(story);
        Random random = new Random(42);

        for (int round = 0; round < 200; round++) {
            List<MappedEvent> shuffled = new ArrayList<>(story);
            Collections.shuffle(shuffled, random);
            assertThat(applyInRandomClaims(shuffled, random)).isEqualTo(inOrder);
        }
        assertThat(inOrder).containsEntry("Status__c", "succeeded")
                .containsEntry("Charge_Status__c", "succeeded")
                .containsEntry("Last_Stripe_Event_Id__c", "evt_4");
    }

    /** Salesforce's view after applying the events one claim at a time, in the given order. */
    private static Map<String, Object> applyOneByOne(List<MappedEvent> events) {
        List<List<MappedEvent>> claims = events.stream().map(List::of).toList();
        return deliver(claims);
    }

    private static Map<String, Object> applyInRandomClaims(List<MappedEvent> events, Random random) {
        List<List<MappedEvent>> claims = new ArrayList<>();
        int from = 0;
        while (from < events.size()) {
            int size = 1 + random.nextInt(3);
            claims.add(events.subList(from, Math.min(events.size(), from + size)));
            from += size;
        }
        return deliver(claims);
    }

    private static Map<String, Object> deliver(List<List<MappedEvent>> claims) {
        Map<String, Object> salesforce = new HashMap<>();
        Map<RecordKey, RecordState> states = new HashMap<>();
        for (List<MappedEvent> claim : claims) {
            DeliveryPlan plan = DeliveryPlan.of(claim, states);
            for (PlannedRecord record : plan.records()) {
                salesforce.putAll(record.body());
                states.put(record.key(), new RecordState("a0B1", record.watermarks(), record.newest()));
            }
        }
        return salesforce;
    }

    private static MappedEvent paymentIntent(String id, long created, String status) {
        return mapped(event(id, created, "payment_intent", status), new RecordWrite("payment_intent", PAYMENT,
                "Stripe_Payment_Intent_Id__c", PI, fields("Status__c", status), shared(id)));
    }

    /** A watermark as an event created at {@code seconds} leaves it: ordering keys are in milliseconds. */
    private static OrderingKey key(long seconds, String objectType, String status, String eventId) {
        return OrderingKey.of(seconds * 1000, objectType, status, eventId);
    }

    private static MappedEvent mapped(ClaimedEvent event, RecordWrite... writes) {
        return new MappedEvent(event, List.of(writes), null);
    }

    private static ClaimedEvent event(String id, long created, String objectType, String status) {
        return new ClaimedEvent("default", id, objectType + ".updated", Instant.ofEpochSecond(created), Instant.now(),
                objectType, status, EventStatus.PENDING, 0, 0);
    }

    private static Map<String, Object> fields(String name, Object value) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(name, value);
        return fields;
    }

    private static Map<String, Object> shared(String eventId) {
        return fields("Last_Stripe_Event_Id__c", eventId);
    }

    private static EventRef ref(String id) {
        return new EventRef("default", id);
    }
}
