package io.paybridge.delivery;

import static io.paybridge.testing.Webhooks.postSigned;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.paybridge.delivery.ClaimedEvent.EventRef;
import io.paybridge.delivery.DeliveryPlan.MappedEvent;
import io.paybridge.delivery.DeliveryPlan.PlannedRecord;
import io.paybridge.delivery.DeliveryRepository.SettledEvent;
import io.paybridge.delivery.DeliveryRepository.WrittenRecord;
import io.paybridge.event.EventStatus;
import io.paybridge.mapping.RecordWrite;
import io.paybridge.testing.StripeEvents;
import io.paybridge.testing.StripeFixtures;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery pipeline's SQL against the real PostgreSQL: replicas claim disjoint work, a dead
 * replica's claims come back after the lease, a record is held by one replica at a time, and a
 * claim settles in one go.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class DeliveryRepositoryTest {

    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** No limit in bytes: these claims are bounded by their number of events. */
    private static final long ANY_SIZE = Long.MAX_VALUE;

    /** The fixture invoice payment's own id, its invoice's and its payment intent's (fixtures' _ids.json). */
    private static final String FIXTURE_INVOICE_PAYMENT = "inpay_1TQk5cR2hXk9LmQa7Jm2Rb0S";
    private static final String FIXTURE_INVOICE = "in_1TQk5bR2hXk9LmQaHq2W8sKd";
    private static final String FIXTURE_PAYMENT_INTENT = "pi_3TQk6cR2hXk9LmQa1F9gJk2M";

    @Inject
    DeliveryRepository repository;

    /** This test's payouts and records; other tests' events, due ones among them, share the database. */
    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final List<String> ownEvents = new ArrayList<>();

    /** What the test stored goes with it: a later run's claims must find their own events oldest. */
    @AfterEach
    void deleteOwnRows() {
        if (!ownEvents.isEmpty()) {
            TestDatabase.execute("DELETE FROM stripe_event WHERE event_id IN " + inList(ownEvents));
        }
        TestDatabase.execute("DELETE FROM salesforce_record WHERE external_id LIKE '%" + run + "'");
    }

    @Test
    void twoReplicasClaimingAtOnceNeverGetTheSameEvent() {
        List<String> ids = storeEventsOfDistinctObjects(40);
        makeOldestDue(ids, 0);

        Uni<List<ClaimedEvent>> first = repository.claim("replica-a", 25, 25, ANY_SIZE, LEASE).map(DeliveryRepository.Claim::events);
        Uni<List<ClaimedEvent>> second = repository.claim("replica-b", 25, 25, ANY_SIZE, LEASE).map(DeliveryRepository.Claim::events);
        List<List<ClaimedEvent>> claims = Uni.join().all(first, second).andFailFast().await().atMost(WAIT);

        Set<String> a = eventIds(claims.get(0));
        Set<String> b = eventIds(claims.get(1));
        assertThat(a).doesNotContainAnyElementsOf(b);
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        assertThat(all).containsAll(ids);
    }

    @Test
    void leavesLeasedEventsAloneAndTakesThemOverOnceTheLeaseRunsOut() {
        List<String> ids = storeEvents(3);
        makeOldestDue(ids, 0);
        assertThat(eventIds(repository.claim("replica-a", 10, 10, ANY_SIZE, LEASE).await().atMost(WAIT).events())).containsAll(ids);

        assertThat(eventIds(repository.claim("replica-b", 10, 10, ANY_SIZE, LEASE).await().atMost(WAIT).events())).doesNotContainAnyElementsOf(ids);

        // replica-a died: its lease runs out
        expireLeases(ids);
        List<ClaimedEvent> takenOver = own(repository.claim("replica-b", 10, 10, ANY_SIZE, LEASE).await().atMost(WAIT).events(), ids);
        assertThat(eventIds(takenOver)).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(takenOver.get(0).status()).isEqualTo(EventStatus.PENDING);
        assertThat(takenOver.get(0).payloadBytes()).isPositive();
    }

    @Test
    void claimsOnlyWorkThatIsDue() {
        List<String> ids = storeEvents(2);
        TestDatabase.execute("UPDATE stripe_event SET status = 'retrying', next_attempt_at = now() + interval '1 hour'"
                + " WHERE event_id IN " + inList(ids));
        // Room for every due event in the database: only being due keeps these two out.
        int room = (int) TestDatabase.scalarCount("SELECT count(*) FROM stripe_event WHERE status IN ('pending', 'retrying')");

        assertThat(eventIds(repository.claim("replica-a", room, room, ANY_SIZE, LEASE).await().atMost(WAIT).events())).doesNotContainAnyElementsOf(ids);
    }

    @Test
    void holdsARecordForOneReplicaAtATime() {
        RecordKey shared = new RecordKey("Stripe_Payment__c", "pi_shared_" + run);
        RecordKey onlyA = new RecordKey("Stripe_Payment__c", "pi_a_" + run);
        RecordKey onlyB = new RecordKey("Stripe_Payment__c", "pi_b_" + run);

        Map<RecordKey, RecordState> heldByA = repository.leaseRecords("replica-a", List.of(shared, onlyA), LEASE).await().atMost(WAIT);
        Map<RecordKey, RecordState> heldByB = repository.leaseRecords("replica-b", List.of(onlyB, shared), LEASE).await().atMost(WAIT);

        assertThat(heldByA).containsOnlyKeys(shared, onlyA);
        assertThat(heldByB).containsOnlyKeys(onlyB);

        repository.giveBack("replica-a", List.of(), List.of(shared, onlyA)).await().atMost(WAIT);
        assertThat(repository.leaseRecords("replica-b", List.of(shared), LEASE).await().atMost(WAIT)).containsOnlyKeys(shared);
    }

    @Test
    void aFailedTurnGivesBackItsEventsAndRecordsAtOnce() {
        List<String> ids = storeEvents(2);
        makeOldestDue(ids, 0);
        List<ClaimedEvent> claimed = repository.claim("turn-a", 10, 10, ANY_SIZE, LEASE).await().atMost(WAIT).events();
        assertThat(eventIds(claimed)).containsAll(ids);
        RecordKey record = new RecordKey("Stripe_Payout__c", "po_given_back_" + run);
        repository.leaseRecords("turn-a", List.of(record), LEASE).await().atMost(WAIT);
        assertThat(eventIds(repository.claim("turn-b", 10, 10, ANY_SIZE, LEASE).await().atMost(WAIT).events())).doesNotContainAnyElementsOf(ids);

        repository.giveBack("turn-a", claimed.stream().map(ClaimedEvent::ref).toList(), List.of(record))
                .await().atMost(WAIT);

        assertThat(eventIds(repository.claim("turn-b", 10, 10, ANY_SIZE, LEASE).await().atMost(WAIT).events())).containsAll(ids);
        assertThat(repository.leaseRecords("turn-b", List.of(record), LEASE).await().atMost(WAIT)).containsOnlyKeys(record);
    }

    @Test
    void aClaimTakesTheOtherDueEventsOfTheObjectsItReached() {
        List<String> object = storeEvents(3, "po_whole_object_" + run);
        makeOldestDue(object.subList(0, 1), 2);
        List<String> others = storeEventsOfDistinctObjects(2);
        makeOldestDue(others, 1);
        List<String> notReached = storeEventsOfDistinctObjects(2);
        makeOldestDue(notReached, 0);

        List<ClaimedEvent> claimed = repository.claim("turn-a", 3, 3, ANY_SIZE, LEASE).await().atMost(WAIT).events();

        assertThat(eventIds(claimed)).containsAll(object).containsAll(others).doesNotContainAnyElementsOf(notReached);
    }

    @Test
    void aClaimTakesTheOtherDueEventsOfThePaymentsItReached() {
        String paymentIntent = "pi_claim_" + run;
        List<String> payment = storePaymentIntentEvents(paymentIntent);
        makeOldestDue(payment, 2);
        List<String> others = storeEventsOfDistinctObjects(2);
        makeOldestDue(others, 1);
        List<String> sameRecord = storeChargeAndInvoicePaymentEvents(paymentIntent);
        makeOldestDue(sameRecord, 0);

        List<ClaimedEvent> claimed = repository.claim("turn-a", 3, 10, ANY_SIZE, LEASE).await().atMost(WAIT).events();

        assertThat(eventIds(claimed)).as("the charge and invoice payment write the payment intent's record")
                .containsAll(payment).containsAll(sameRecord).containsAll(others);
    }

    @Test
    void aPaymentsEventsStandAtThePlaceOfItsOldestWhenTheClaimIsBoundedByObjects() {
        String paymentIntent = "pi_rank_" + run;
        List<String> payment = storePaymentIntentEvents(paymentIntent);
        makeOldestDue(payment, 2);
        List<String> between = storeEventsOfDistinctObjects(1);
        makeOldestDue(between, 1);
        List<String> sameRecord = storeChargeAndInvoicePaymentEvents(paymentIntent);
        makeOldestDue(sameRecord, 0);

        List<ClaimedEvent> claimed = repository.claim("turn-a", 10, 3, ANY_SIZE, LEASE).await().atMost(WAIT).events();

        assertThat(eventIds(claimed)).containsAll(payment).containsAll(sameRecord).doesNotContainAnyElementsOf(between);
    }

    @Test
    void aClaimBoundedByObjectsOrBytesEndsOnAWholePayment() {
        List<String> first = storeEventsOfDistinctObjects(1);
        makeOldestDue(first, 3);
        String paymentIntent = "pi_whole_" + run;
        List<String> payment = new ArrayList<>(storePaymentIntentEvents(paymentIntent));
        payment.addAll(storeChargeAndInvoicePaymentEvents(paymentIntent));
        makeOldestDue(payment, 2);
        List<String> after = storeEventsOfDistinctObjects(1);
        makeOldestDue(after, 1);
        List<String> all = new ArrayList<>(first);
        all.addAll(payment);
        all.addAll(after);

        // The payment's objects (its charge, invoice payment and intent) rank second to fourth.
        DeliveryRepository.Claim byObjects = repository.claim("turn-a", 10, 2, ANY_SIZE, LEASE).await().atMost(WAIT);
        assertThat(eventIds(byObjects.events())).as("bounded by objects")
                .containsAll(first).containsAll(payment).doesNotContainAnyElementsOf(after);
        assertThat(byObjects.moreDue()).isTrue();
        expireLeases(all);

        long firstSize = TestDatabase.scalarCount("SELECT sum(octet_length(payload)) FROM stripe_event WHERE event_id IN "
                + inList(first));
        DeliveryRepository.Claim byBytes = repository.claim("turn-b", 10, 10, firstSize + 1, LEASE).await().atMost(WAIT);
        assertThat(eventIds(byBytes.events())).as("bounded by bytes")
                .containsAll(first).containsAll(payment).doesNotContainAnyElementsOf(after);
        assertThat(byBytes.moreDue()).isTrue();
    }

    @Test
    void claimsDueEventsInOrderOfDueTimeThenObject() {
        List<String> earlier = storeEventsOfDistinctObjects(3);
        makeOldestDue(earlier, 1);
        List<String> later = storeEventsOfDistinctObjects(2);
        makeOldestDue(later, 0);

        List<ClaimedEvent> first = repository.claim("turn-a", 3, 3, ANY_SIZE, LEASE).await().atMost(WAIT).events();

        assertThat(eventIds(first)).containsExactlyInAnyOrderElementsOf(earlier).doesNotContainAnyElementsOf(later);
    }

    @Test
    void aClaimStopsAtItsLimitInBytesOldestFirstButAlwaysTakesOneEvent() {
        List<String> ids = storeEventsOfDistinctObjects(4);
        for (int i = 0; i < ids.size(); i++) {
            makeOldestDue(ids.subList(i, i + 1), ids.size() - i);
        }
        long firstTwo = TestDatabase.scalarCount("SELECT sum(octet_length(payload)) FROM stripe_event WHERE event_id IN "
                + inList(ids.subList(0, 2)));

        List<ClaimedEvent> upToTwo = repository.claim("turn-a", 10, 10, firstTwo, LEASE).await().atMost(WAIT).events();
        assertThat(eventIds(upToTwo)).containsExactlyInAnyOrderElementsOf(ids.subList(0, 2));

        List<ClaimedEvent> tooSmallForAny = repository.claim("turn-b", 10, 10, 1, LEASE).await().atMost(WAIT).events();
        assertThat(eventIds(tooSmallForAny)).containsExactly(ids.get(2));
    }

    @Test
    void aClaimTakesTheEventsOfItsFirstObjectsOnlyAndLeavesTheRestDue() {
        List<String> first = storeEvents(3, "po_first_object_" + run);
        makeOldestDue(first, 3);
        List<String> second = storeEvents(2, "po_second_object_" + run);
        makeOldestDue(second, 2);
        List<String> third = storeEvents(2, "po_third_object_" + run);
        makeOldestDue(third, 1);

        List<ClaimedEvent> twoObjects = repository.claim("turn-a", 10, 2, ANY_SIZE, LEASE).await().atMost(WAIT).events();
        assertThat(eventIds(twoObjects)).containsAll(first).containsAll(second).doesNotContainAnyElementsOf(third);

        List<ClaimedEvent> next = repository.claim("turn-b", 10, 2, ANY_SIZE, LEASE).await().atMost(WAIT).events();
        assertThat(eventIds(next)).as("left due, not leased").containsAll(third);
    }

    @Test
    void aClaimSaysWhetherItLeftDueEventsBehind() {
        List<String> three = storeEventsOfDistinctObjects(3);
        makeOldestDue(three, 0);
        assertThat(repository.claim("turn-a", 2, 10, ANY_SIZE, LEASE).await().atMost(WAIT).moreDue())
                .as("bounded by events").isTrue();
        expireLeases(three);
        assertThat(repository.claim("turn-b", 10, 2, ANY_SIZE, LEASE).await().atMost(WAIT).moreDue())
                .as("bounded by objects").isTrue();
        expireLeases(three);
        assertThat(repository.claim("turn-c", 10, 10, 1, LEASE).await().atMost(WAIT).moreDue())
                .as("bounded by bytes").isTrue();
        expireLeases(three);

        // Room for every due event in the database, and their objects: nothing is left behind, though
        // the claim holds more events than objects.
        List<String> oneObject = storeEvents(3, "po_all_due_" + run);
        makeOldestDue(oneObject, 0);
        int room = (int) TestDatabase.scalarCount("SELECT count(*) FROM stripe_event WHERE status IN ('pending', 'retrying')");
        DeliveryRepository.Claim everything = repository.claim("turn-d", room + 1, room, ANY_SIZE, LEASE).await().atMost(WAIT);
        assertThat(eventIds(everything.events())).containsAll(three).containsAll(oneObject);
        assertThat(everything.moreDue()).isFalse();
    }

    @Test
    void aClaimTakesThePendingEventsOfItsGroupsThatAreNotYetDueButLetsRetriesWaitOutTheirBackoff() {
        List<String> object = storeEvents(3, "po_burst_" + run);
        makeOldestDue(object.subList(0, 1), 0);
        // Put back for a record another turn was pushing: pending, due a moment later.
        TestDatabase.execute("UPDATE stripe_event SET next_attempt_at = now() + interval '1 second' WHERE event_id = '"
                + object.get(1) + "'");
        TestDatabase.execute("UPDATE stripe_event SET status = 'retrying', attempts = 1,"
                + " next_attempt_at = now() + interval '1 hour' WHERE event_id = '" + object.get(2) + "'");

        List<ClaimedEvent> claimed = repository.claim("turn-a", 1, 10, ANY_SIZE, LEASE).await().atMost(WAIT).events();

        assertThat(eventIds(claimed)).contains(object.get(0), object.get(1)).doesNotContain(object.get(2));
    }

    @Test
    void aClaimLeavesThePayloadsBehindAndAPageReadsThemByteForByte() {
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.bytes("payout.paid"));
        postSigned(body).statusCode(200);
        String id = StripeFixtures.eventId(body);
        ownEvents.add(id);
        makeOldestDue(List.of(id), 0);

        ClaimedEvent claimed = own(repository.claim("turn-a", 10, 10, ANY_SIZE, LEASE).await().atMost(WAIT).events(), List.of(id)).get(0);
        assertThat(claimed.payloadBytes()).isEqualTo(body.length);

        EventRef gone = new EventRef(claimed.account(), "evt_never_stored_" + run);
        Map<EventRef, byte[]> page = repository.payloads(List.of(claimed.ref(), gone)).await().atMost(WAIT);
        assertThat(page).containsOnlyKeys(claimed.ref());
        assertThat(page.get(claimed.ref())).isEqualTo(body);
    }

    @Test
    void settlesAClaimAndRemembersWhatEachRecordShows() {
        List<String> ids = storeEvents(1);
        makeOldestDue(ids, 0);
        ClaimedEvent event = own(repository.claim("replica-a", 10, 10, ANY_SIZE, LEASE).await().atMost(WAIT).events(), ids).get(0);
        RecordKey record = new RecordKey("Stripe_Payout__c", "po_1_" + run);
        Map<RecordKey, RecordState> held = repository.leaseRecords("replica-a", List.of(record), LEASE).await().atMost(WAIT);
        DeliveryPlan plan = DeliveryPlan.of(List.of(new MappedEvent(event, List.of(new RecordWrite("payout",
                "Stripe_Payout__c", "Stripe_Payout_Id__c", record.externalId(), Map.of("Status__c", "paid"), Map.of())), null)), held);
        PlannedRecord planned = plan.records().iterator().next();

        repository.settle("replica-a",
                List.of(new SettledEvent(event.ref(), EventStatus.DELIVERED, 1, Duration.ZERO, null)),
                held.keySet(),
                Map.of(record, new WrittenRecord(planned, "a0B000000000001AAA")), Map.of()).await().atMost(WAIT);

        TestDatabase.StoredEvent stored = TestDatabase.find(event.account(), event.eventId()).orElseThrow();
        assertThat(stored.status()).isEqualTo("delivered");
        assertThat(stored.attempts()).isEqualTo(1);
        assertThat(TestDatabase.scalarCount("SELECT count(*) FROM event_record WHERE event_id = '" + event.eventId()
                + "' AND salesforce_id = 'a0B000000000001AAA'")).isEqualTo(1);
        RecordState state = repository.leaseRecords("replica-b", List.of(record), LEASE).await().atMost(WAIT).get(record);
        assertThat(state.salesforceId()).isEqualTo("a0B000000000001AAA");
        assertThat(state.newest()).isEqualTo(event.orderingKey());
        assertThat(state.routeWatermarks()).containsEntry("payout", event.orderingKey());
    }

    @Test
    void anEventGivenBackIsDueAtOnceInItsPlaceWithNothingSpent() {
        List<String> ids = storeEventsOfDistinctObjects(3);
        makeOldestDue(ids, 0);
        // The first is oldest; the third was held back, the second is still waiting for its first claim.
        TestDatabase.execute("UPDATE stripe_event SET next_attempt_at = next_attempt_at - interval '1 minute' "
                + "WHERE event_id = '" + ids.get(0) + "'");
        List<ClaimedEvent> claimed = own(repository.claim("replica-a", 1, 1, ANY_SIZE, LEASE).await().atMost(WAIT).events(), ids);
        assertThat(eventIds(claimed)).containsExactly(ids.get(0));
        ClaimedEvent heldBack = claimed.get(0);

        repository.giveBack("replica-a", List.of(heldBack.ref()), List.of()).await().atMost(WAIT);

        TestDatabase.StoredEvent stored = TestDatabase.find(heldBack.account(), heldBack.eventId()).orElseThrow();
        assertThat(stored.status()).isEqualTo("pending");
        assertThat(stored.attempts()).isZero();
        // Still before the events that were due after it: the next claim takes it first.
        assertThat(eventIds(own(repository.claim("replica-b", 1, 1, ANY_SIZE, LEASE).await().atMost(WAIT).events(), ids)))
                .containsExactly(ids.get(0));
    }

    @Test
    void doesNotSettleAnEventWhoseLeaseAnotherReplicaTookOver() {
        List<String> ids = storeEvents(1);
        makeOldestDue(ids, 0);
        ClaimedEvent event = own(repository.claim("replica-a", 10, 10, ANY_SIZE, LEASE).await().atMost(WAIT).events(), ids).get(0);
        expireLeases(ids);
        assertThat(eventIds(repository.claim("replica-b", 10, 10, ANY_SIZE, LEASE).await().atMost(WAIT).events())).containsAll(ids);

        repository.settle("replica-a", List.of(new SettledEvent(event.ref(), EventStatus.DEAD, 1, Duration.ZERO, "late")),
                List.of(), Map.of(), Map.of()).await().atMost(WAIT);

        assertThat(TestDatabase.find(event.account(), event.eventId()).orElseThrow().status()).isEqualTo("pending");
    }

    /**
     * Due before anything other tests left due in the database (and in the given order: a higher
     * {@code minutesEarlier} is claimed first), so that a claim reaches this test's events first.
     */
    private static void makeOldestDue(List<String> ids, int minutesEarlier) {
        TestDatabase.execute("UPDATE stripe_event SET next_attempt_at = now() - interval '100 years' - interval '"
                + minutesEarlier + " minutes' WHERE event_id IN " + inList(ids));
    }

    private static void expireLeases(List<String> ids) {
        TestDatabase.execute("UPDATE stripe_event SET lease_expires_at = now() - interval '1 second' WHERE event_id IN "
                + inList(ids));
    }

    private static String inList(List<String> ids) {
        return "('" + String.join("', '", ids) + "')";
    }

    private static List<ClaimedEvent> own(List<ClaimedEvent> claimed, List<String> ids) {
        return claimed.stream().filter(event -> ids.contains(event.eventId())).toList();
    }

    private List<String> storeEvents(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] body = StripeFixtures.withUniqueId(StripeFixtures.bytes("payout.paid"));
            postSigned(body).statusCode(200);
            ids.add(StripeFixtures.eventId(body));
        }
        ownEvents.addAll(ids);
        return ids;
    }

    private List<String> storeEventsOfDistinctObjects(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String payoutId = "po_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            postSigned(StripeEvents.payout(payoutId).field("currency", "usd").field("amount", 100 + i).bytes()).statusCode(200);
            ids.add("evt_" + payoutId);
        }
        ownEvents.addAll(ids);
        return ids;
    }

    /** Events of one payout object. */
    private List<String> storeEvents(int count, String payoutId) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String eventId = "evt_" + payoutId + "_" + UUID.randomUUID().toString().substring(0, 8);
            byte[] body = new String(StripeEvents.payout(payoutId).field("currency", "usd").field("amount", 100 + i).bytes(), StandardCharsets.UTF_8)
                    .replace("\"evt_" + payoutId + "\"", "\"" + eventId + "\"")
                    .getBytes(StandardCharsets.UTF_8);
            postSigned(body).statusCode(200);
            ids.add(StripeFixtures.eventId(body));
        }
        ownEvents.addAll(ids);
        return ids;
    }

    /** A {@code payment_intent.succeeded} event of {@code paymentIntent}. */
    private List<String> storePaymentIntentEvents(String paymentIntent) {
        postSigned(StripeEvents.paymentIntent(paymentIntent).bytes()).statusCode(200);
        List<String> ids = List.of("evt_" + paymentIntent);
        ownEvents.addAll(ids);
        return ids;
    }

    /** A charge of {@code paymentIntent} and the invoice payment it paid: other objects, the same payment record. */
    private List<String> storeChargeAndInvoicePaymentEvents(String paymentIntent) {
        String charge = "ch_" + run + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        postSigned(StripeEvents.charge(charge).field("payment_intent", paymentIntent).bytes()).statusCode(200);
        String invoicePayment = "inpay_" + run + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        byte[] paid = new String(StripeFixtures.bytes("invoice_payment.paid"), StandardCharsets.UTF_8)
                .replace(FIXTURE_INVOICE_PAYMENT, invoicePayment)
                .replace(FIXTURE_PAYMENT_INTENT, paymentIntent)
                .replace(FIXTURE_INVOICE, "in_" + run)
                .getBytes(StandardCharsets.UTF_8);
        postSigned(StripeEvents.from(paid).eventId("evt_" + invoicePayment).bytes()).statusCode(200);
        List<String> ids = List.of("evt_" + charge, "evt_" + invoicePayment);
        ownEvents.addAll(ids);
        return ids;
    }

    private static Set<String> eventIds(List<ClaimedEvent> events) {
        Set<String> ids = new HashSet<>();
        events.stream().map(ClaimedEvent::ref).map(EventRef::eventId).forEach(ids::add);
        return ids;
    }
}
