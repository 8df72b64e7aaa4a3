package io.paybridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two claims never share a payment's group (V21__claims_one_at_a_time.sql): run at the same moment,
 * under SKIP LOCKED, they took alternate events of the same groups. Each test works on a committed
 * copy of the event table in a schema of its own, which its connections find first on the search
 * path, and drops it after.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class ClaimTurnsTest {

    private static final int GROUPS = 500;
    private static final int EVENTS_PER_GROUP = 8;
    /** Not a multiple of a group: the oldest events end inside one, whose siblings the claim adds. */
    private static final int CLAIM_SIZE = 1_001;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final String schema = "claim_turns_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final ExecutorService claimers = Executors.newFixedThreadPool(2);

    @BeforeEach
    void storeGroups() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE stripe_event (LIKE public.stripe_event INCLUDING ALL)");
            // A payment's events arrive together, oldest group first, as a billing run's do.
            statement.execute("""
                    INSERT INTO stripe_event (account, event_id, type, object_id, object_type, payment_intent_id,
                                              created, payload, next_attempt_at)
                    SELECT 'claim-turns', 'evt_' || g || '_' || e, 'charge.updated', 'ch_' || g || '_' || e, 'charge',
                           'pi_' || g, now() - interval '1 hour', '\\x7b7d'::bytea,
                           now() - interval '1 hour' + (g * %1$d + e) * interval '1 ms'
                      FROM generate_series(1, %2$d) g, generate_series(1, %1$d) e
                    """.formatted(EVENTS_PER_GROUP, GROUPS));
        }
    }

    @AfterEach
    void dropSchema() throws SQLException {
        claimers.shutdownNow();
        try (Connection connection = TestDatabase.connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void aClaimWaitsForTheClaimBeforeItToCommitAndTakesOtherGroups() throws Exception {
        try (Connection first = connect(); Connection second = connect()) {
            first.setAutoCommit(false);
            assertThat(claim(first, "first")).isGreaterThanOrEqualTo(CLAIM_SIZE);

            int secondPid = pid(second);
            Future<Integer> waiting = claimers.submit(() -> claim(second, "second"));
            await().atMost(DEADLINE).until(() -> waitsForAnAdvisoryLock(secondPid));
            assertThat(waiting).isNotDone();

            first.commit();
            assertThat(waiting.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isGreaterThanOrEqualTo(CLAIM_SIZE);
        }
        assertThat(groupsSplit()).as("groups whose events more than one claim holds, or one claim only some of")
                .isZero();
    }

    @Test
    void claimsStartedTogetherNeverSplitAGroup() throws Exception {
        List<Integer> splits = new ArrayList<>();
        try (Connection one = connect(); Connection other = connect()) {
            for (int round = 0; round < 5; round++) {
                release();
                CyclicBarrier together = new CyclicBarrier(2);
                Future<Integer> first = claimers.submit(() -> claimWith(together, one, "one"));
                Future<Integer> second = claimers.submit(() -> claimWith(together, other, "other"));
                assertThat(first.get(DEADLINE.toSeconds(), TimeUnit.SECONDS) + second.get(DEADLINE.toSeconds(),
                        TimeUnit.SECONDS)).isGreaterThanOrEqualTo(2 * CLAIM_SIZE);
                splits.add(groupsSplit());
            }
        }
        // Without the claims taking turns, every round of five split groups on a 2-core machine.
        assertThat(splits).as("groups split between the two claims, in each round").containsOnly(0);
    }

    private int claimWith(CyclicBarrier together, Connection connection, String lessee) throws Exception {
        together.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        return claim(connection, lessee);
    }

    /** As the pipeline's turns claim, bounded in events only. */
    private static int claim(Connection connection, String lessee) throws SQLException {
        try (PreparedStatement claim = connection.prepareStatement(
                "SELECT count(*) FROM claim_due_events(?, 10000, 9223372036854775807, ?, 60)")) {
            claim.setInt(1, CLAIM_SIZE);
            claim.setString(2, lessee);
            try (ResultSet rows = claim.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private void release() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("UPDATE stripe_event SET lease_owner = NULL, lease_expires_at = NULL");
        }
    }

    private int groupsSplit() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("""
                        SELECT count(*) FROM (SELECT payment_intent_id FROM stripe_event GROUP BY payment_intent_id
                                               HAVING count(DISTINCT coalesce(lease_owner, '')) > 1) split
                        """)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static int pid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static boolean waitsForAnAdvisoryLock(int pid) throws SQLException {
        try (Connection connection = TestDatabase.connect();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT wait_event FROM pg_stat_activity WHERE pid = ?")) {
            query.setInt(1, pid);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() && "advisory".equals(rows.getString(1));
            }
        }
    }

    /** A connection that finds this test's event table first. */
    private Connection connect() throws SQLException {
        Connection connection = TestDatabase.connect();
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            statement.execute("SET search_path = " + schema + ", public");
        }
        return connection;
    }
}
