package io.paybridge.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lease as replicas on a schedule meet it: of several asking at once exactly one sweeps; while
 * it sweeps nobody else does; after it, nobody sweeps again until {@code every} has passed; and a
 * lease its holder stopped renewing is taken over. Looks inside (the repository), so no packaged twin.
 */
@QuarkusTest
@TestProfile(ReconcileProfile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class ReconcileLeaseTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration LEASE = Duration.ofMinutes(10);

    @Inject
    ReconcileRepository repository;

    @BeforeEach
    void freeLease() {
        TestDatabase.execute("UPDATE reconcile_lease SET owner = NULL, started_at = NULL, held_until = NULL");
    }

    @Test
    void replicasOnASchedulePassTheSweepAroundOncePerEvery() {
        // Four replicas at the same moment, each on its own connection of the pool.
        var asks = java.util.stream.IntStream.range(0, 4)
                .mapToObj(replica -> repository.claim("replica-" + replica, HOUR, LEASE, false).subscribeAsCompletionStage())
                .toList();
        assertThat(asks.stream().map(CompletableFuture::join).filter(Boolean::booleanValue).count()).isEqualTo(1);
        String holder = owner();
        assertThat(holder).startsWith("replica-");

        assertThat(repository.claim("late", HOUR, LEASE, true).await().atMost(Duration.ofSeconds(10)))
                .as("not even a forced sweep beside a running one").isFalse();
        assertThat(repository.renew(holder, LEASE).await().atMost(Duration.ofSeconds(10))).isTrue();
        repository.release(holder).await().atMost(Duration.ofSeconds(10));

        assertThat(repository.claim("next", HOUR, LEASE, false).await().atMost(Duration.ofSeconds(10)))
                .as("the last sweep started less than every ago").isFalse();
        assertThat(repository.claim("next", Duration.ZERO, LEASE, false).await().atMost(Duration.ofSeconds(10)))
                .as("due once every has passed").isTrue();
        assertThat(repository.renew(holder, LEASE).await().atMost(Duration.ofSeconds(10))).as("the old holder lost it").isFalse();

        TestDatabase.execute("UPDATE reconcile_lease SET held_until = now() - interval '1 second'");
        assertThat(repository.claim("takeover", Duration.ZERO, LEASE, false).await().atMost(Duration.ofSeconds(10)))
                .as("a lease nobody renews is taken over").isTrue();
    }

    private static String owner() {
        try (var connection = TestDatabase.connect(); var statement = connection.createStatement();
                var row = statement.executeQuery("SELECT owner FROM reconcile_lease WHERE name = 'sweep'")) {
            row.next();
            return row.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
