package io.paybridge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.paybridge.testing.StripeFixtures;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The group commit when the same events reach it twice at once, as they do when a reconciliation
 * sweep (or a backfill) stores events that Stripe is delivering at the same moment. Two inserts at
 * once: replicas and jobs run theirs side by side whatever one process allows, and a process allows
 * it with {@code max-concurrent-batches} above its default of one.
 */
@QuarkusTest
@TestProfile(IntakeRepositoryTest.TwoInserts.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class IntakeRepositoryTest {

    public static class TwoInserts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("paybridge.intake.max-concurrent-batches", "2");
        }
    }

    @Inject
    IntakeRepository repository;

    @Inject
    IntakeConfig config;

    /**
     * Two senders store the same events, the second in the reverse order of the first, behind two
     * inserts held at the gates; the next two inserts then take one sender each and run together up
     * to the event in the middle, which the test holds until both wait. Written in their arrival
     * orders, each would hold half of the events and go on to the other's half: PostgreSQL would
     * abort one as a deadlock, and every event of its batch would be answered "retry later".
     */
    @Test
    void storesEveryEventOnceWhenTwoSendersDeliverTheSameEventsInOppositeOrders() throws Exception {
        int half = (config.maxBatchSize() - 1) / 2;
        List<Stored> gates = events(2);
        Stored middle = events(1).getFirst();
        List<Stored> sender = new ArrayList<>(events(half));
        sender.add(middle);
        sender.addAll(events(half));
        List<CompletableFuture<StoreOutcome>> outcomes = new ArrayList<>();

        try (Holder atTheGates = new Holder(); Holder inTheMiddle = new Holder()) {
            inTheMiddle.hold(middle);
            for (Stored gate : gates) {
                atTheGates.hold(gate);
                outcomes.add(store(gate));
            }
            awaitBlockedInserts(gates.size());
            sender.forEach(event -> outcomes.add(store(event)));
            sender.reversed().forEach(event -> outcomes.add(store(event)));
            atTheGates.release();
            for (int gate = 0; gate < gates.size(); gate++) {
                outcomes.get(gate).get(30, TimeUnit.SECONDS);
            }
            // Both inserts of the senders' events are running once the gates' are done.
            awaitBlockedInserts(2);
            inTheMiddle.release();
        }

        List<StoreOutcome> answers = new ArrayList<>();
        for (CompletableFuture<StoreOutcome> outcome : outcomes) {
            answers.add(outcome.get(60, TimeUnit.SECONDS));
        }
        assertThat(answers).filteredOn(StoreOutcome.ACCEPTED::equals).hasSize(gates.size() + sender.size());
        assertThat(answers).filteredOn(StoreOutcome.DUPLICATE::equals).hasSize(sender.size());
        String ids = String.join("','", sender.stream().map(event -> event.envelope().id()).toList());
        assertThat(TestDatabase.scalarCount("SELECT count(*) FROM stripe_event WHERE account = 'default' "
                + "AND event_id IN ('" + ids + "')")).isEqualTo(sender.size());
    }

    private record Stored(EventEnvelope envelope, byte[] body) {
    }

    private static List<Stored> events(int count) {
        EventEnvelopeParser parser = new EventEnvelopeParser();
        List<Stored> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] body = StripeFixtures.withUniqueId(StripeFixtures.bytes("invoice.payment_succeeded"));
            events.add(new Stored(parser.parse(body, Instant.now()), body));
        }
        return events;
    }

    /** A transaction of the test's own, holding rows that the application's inserts then wait for. */
    private static final class Holder implements AutoCloseable {
        private final Connection connection;

        Holder() throws SQLException {
            connection = TestDatabase.connect();
            connection.setAutoCommit(false);
        }

        /** Inserts the event's row without committing it: an insert of the same event waits for this transaction. */
        void hold(Stored event) throws SQLException {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO stripe_event "
                    + "(account, event_id, type, created, payload) VALUES ('default', ?, 'test.held', now(), '')")) {
                insert.setString(1, event.envelope().id());
                insert.executeUpdate();
            }
        }

        /** Rolls the held rows back, so that the waiting inserts write them. */
        void release() throws SQLException {
            connection.rollback();
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    /**
     * Waits until that many of the application's inserts wait for a row another transaction holds
     * (known by the statement's start: pg_stat_activity keeps only its first kilobyte).
     */
    private static void awaitBlockedInserts(int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.scalarCount("SELECT count(*) FROM pg_stat_activity "
                + "WHERE query LIKE 'WITH paid AS%' AND cardinality(pg_blocking_pids(pid)) > 0") == count);
    }

    private CompletableFuture<StoreOutcome> store(Stored event) {
        return repository.store("default", event.envelope(), event.body())
                .subscribeAsCompletionStage();
    }
}
