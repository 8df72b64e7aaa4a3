package io.paybridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.paybridge.testing.StripeEvents;
import io.paybridge.testing.StripeFixtures;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * A current invoice names no payment intent; its invoice payment names both. Stored in either
 * order, the invoice's events join the group of the payment intent that paid it, so that delivery
 * claims, and a replay puts back, the invoice record's events together.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class InvoicePaymentGroupTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String FIXTURE_INVOICE = "in_1TQk5bR2hXk9LmQaHq2W8sKd";
    private static final String FIXTURE_PAYMENT_INTENT = "pi_3TQk6cR2hXk9LmQa1F9gJk2M";

    private final EventEnvelopeParser parser = new EventEnvelopeParser();

    @Inject
    IntakeRepository repository;

    @Inject
    IntakeConfig intake;

    @Test
    void anInvoicesStoredEventsJoinItsPaymentWhenTheInvoicePaymentArrives() {
        String suffix = StripeEvents.uniqueTag();
        String created = store("invoice.created", suffix);
        String finalized = store("invoice.finalized", suffix);
        assertThat(groupOf(created)).as("no payment known yet").isEmpty();

        store("invoice_payment.paid", suffix);

        assertThat(groupOf(created)).contains(FIXTURE_PAYMENT_INTENT + suffix);
        assertThat(groupOf(finalized)).contains(FIXTURE_PAYMENT_INTENT + suffix);
    }

    @Test
    void anInvoicesLaterEventsJoinItsPaymentAsTheyAreStored() {
        String suffix = StripeEvents.uniqueTag();
        store("invoice_payment.paid", suffix);

        String paid = store("invoice.paid", suffix);

        assertThat(groupOf(paid)).contains(FIXTURE_PAYMENT_INTENT + suffix);
    }

    @Test
    void anotherInvoicesEventsKeepTheirGroup() {
        String suffix = StripeEvents.uniqueTag();
        String otherSuffix = StripeEvents.uniqueTag();
        String other = store("invoice.created", otherSuffix);

        store("invoice_payment.paid", suffix);

        assertThat(groupOf(other)).isEmpty();
    }

    /**
     * A row that a claim or a settle holds is not waited for: the intake answers at once, and that
     * event keeps its group (a claim's turn would otherwise hold the webhook's answer).
     */
    @Test
    void aStoredInvoiceEventThatAnotherStatementHoldsIsNotWaitedFor() throws Exception {
        String suffix = StripeEvents.uniqueTag();
        String created = store("invoice.created", suffix);
        String finalized = store("invoice.finalized", suffix);
        try (Connection holder = TestDatabase.connect()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement(
                    "SELECT 1 FROM stripe_event WHERE account = 'default' AND event_id = ? FOR UPDATE")) {
                lock.setString(1, created);
                lock.executeQuery().close();
            }

            store("invoice_payment.paid", suffix);

            holder.rollback();
        }
        assertThat(groupOf(created)).as("held while the invoice payment was stored").isEmpty();
        assertThat(groupOf(finalized)).contains(FIXTURE_PAYMENT_INTENT + suffix);
    }

    /**
     * An invoice paid by a second payment intent (a split or a retried payment) keeps the group of the
     * payment that linked it first, even for its events stored in the same batch as the second payment:
     * the invoice's events stay in one group, the link's.
     */
    @Test
    void anInvoicesEventsStayWithItsFirstPaymentWhenASecondPaymentArrivesInTheSameBatch() throws Exception {
        String suffix = StripeEvents.uniqueTag();
        store("invoice_payment.paid", suffix);
        byte[] secondPayment = secondPaymentOf(FIXTURE_INVOICE + suffix);
        byte[] invoicePaid = fixture("invoice.paid", suffix);

        String paidEventId = inOneBatch(secondPayment, invoicePaid).get(1);

        assertThat(groupOf(paidEventId)).contains(FIXTURE_PAYMENT_INTENT + suffix);
    }

    /** An invoice payment of {@code invoiceId} with ids of its own: its event, its payment intent. */
    private static byte[] secondPaymentOf(String invoiceId) {
        String suffix = StripeEvents.uniqueTag();
        String payment = new String(fixture("invoice_payment.paid", suffix), StandardCharsets.UTF_8);
        return payment.replace(FIXTURE_INVOICE + suffix, invoiceId).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Stores the events in one insert: every insert slot is first taken by an invoice payment that
     * waits on a link another connection holds uncommitted, so the events queue behind them and the
     * first slot set free takes them all. Returns their event ids.
     */
    private List<String> inOneBatch(byte[]... bodies) throws Exception {
        try (Connection holder = TestDatabase.connect()) {
            holder.setAutoCommit(false);
            List<CompletableFuture<StoreOutcome>> blocked = new ArrayList<>();
            for (int slot = 0; slot < intake.maxConcurrentBatches(); slot++) {
                String blocker = StripeEvents.uniqueTag();
                try (PreparedStatement link = holder.prepareStatement(
                        "INSERT INTO invoice_payment_link VALUES ('default', ?, 'pi_holder')")) {
                    link.setString(1, FIXTURE_INVOICE + blocker);
                    link.executeUpdate();
                }
                blocked.add(subscribe(fixture("invoice_payment.paid", blocker)));
            }
            List<CompletableFuture<StoreOutcome>> stores = new ArrayList<>();
            List<String> eventIds = new ArrayList<>();
            for (byte[] body : bodies) {
                eventIds.add(parser.parse(body, Instant.now()).id());
                stores.add(subscribe(body));
            }
            assertThat(repository.queuedEvents()).as("the events wait behind the blocked inserts").isEqualTo(bodies.length);
            holder.rollback();
            assertAccepted(blocked);
            assertAccepted(stores);
            return eventIds;
        }
    }

    private static void assertAccepted(List<CompletableFuture<StoreOutcome>> stores) throws Exception {
        for (CompletableFuture<StoreOutcome> store : stores) {
            assertThat(store.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(StoreOutcome.ACCEPTED);
        }
    }

    private CompletableFuture<StoreOutcome> subscribe(byte[] body) {
        EventEnvelope envelope = parser.parse(body, Instant.now());
        return repository.store("default", envelope, body).subscribe().asCompletionStage();
    }

    /** A fixture event with its ids suffixed. */
    private static byte[] fixture(String type, String suffix) {
        return StripeEvents.withIdsSuffixed(StripeFixtures.bytes(type), suffix);
    }

    /** Stores a fixture event with its ids suffixed; returns its event id. */
    private String store(String type, String suffix) {
        byte[] body = fixture(type, suffix);
        EventEnvelope envelope = parser.parse(body, Instant.now());
        assertThat(repository.store("default", envelope, body).await().atMost(WAIT)).isEqualTo(StoreOutcome.ACCEPTED);
        assertThat(envelope.objectId()).startsWith(type.startsWith("invoice.") ? FIXTURE_INVOICE : "inpay_");
        return envelope.id();
    }

    private static Optional<String> groupOf(String eventId) {
        return TestDatabase.findRow("SELECT coalesce(payment_intent_id, '') FROM stripe_event WHERE account = 'default' "
                + "AND event_id = ?", row -> row.getString(1), eventId)
                .filter(group -> !group.isEmpty());
    }
}
