package io.paybridge.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The sweep's lease and its per-account state (V7). The lease is a single row that a replica takes
 * with one conditional {@code UPDATE}: PostgreSQL serializes concurrent updates of a row, so of
 * two replicas asking at the same moment exactly one sees its update applied.
 */
@ApplicationScoped
public class ReconcileRepository {

    /**
     * Due: the last sweep started at least {@code every} ago, or a forced sweep. Free: no sweep holds
     * the lease, or its holder stopped renewing it.
     */
    private static final String CLAIM = """
            UPDATE reconcile_lease
               SET owner = $1, started_at = now(), held_until = now() + make_interval(secs => $2)
             WHERE name = 'sweep'
               AND (held_until IS NULL OR held_until < now())
               AND ($3 OR started_at IS NULL OR started_at <= now() - make_interval(secs => $4))
            RETURNING owner
            """;
    private static final String RENEW = """
            UPDATE reconcile_lease SET held_until = now() + make_interval(secs => $2)
             WHERE name = 'sweep' AND owner = $1 AND held_until IS NOT NULL
            """;
    private static final String RELEASE = """
            UPDATE reconcile_lease SET held_until = NULL WHERE name = 'sweep' AND owner = $1
            """;
    private static final String ACCOUNT = """
            INSERT INTO reconcile_account (account) VALUES ($1)
            ON CONFLICT (account) DO UPDATE SET account = excluded.account
            RETURNING last_full_at
            """;
    private static final String SUCCEEDED = """
            UPDATE reconcile_account
               SET last_success_at = $2, last_full_at = coalesce($3, last_full_at)
             WHERE account = $1
            """;
    /** Before an account's first success, the time of its first run: the alert's clock starts there. */
    private static final String LAST_SUCCESSES = """
            SELECT account, extract(epoch FROM coalesce(last_success_at, first_run_at))::float8 FROM reconcile_account
            """;

    private final Pool pool;

    public ReconcileRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * @param force sweep even when the last sweep started less than {@code every} ago (never while
     *              another one runs)
     * @return whether {@code owner} now holds the lease
     */
    public Uni<Boolean> claim(String owner, Duration every, Duration lease, boolean force) {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(owner, seconds(lease), force, seconds(every)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** @return whether {@code owner} still held the lease */
    public Uni<Boolean> renew(String owner, Duration lease) {
        return pool.preparedQuery(RENEW)
                .execute(Tuple.of(owner, seconds(lease)))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Void> release(String owner) {
        return pool.preparedQuery(RELEASE)
                .execute(Tuple.of(owner))
                .replaceWithVoid();
    }

    /** The account's state row, created at its first run: when its last full listing started. */
    public Uni<Optional<Instant>> lastFullListing(String account) {
        return pool.preparedQuery(ACCOUNT)
                .execute(Tuple.of(account))
                .map(ReconcileRepository::lastFullAt);
    }

    private static Optional<Instant> lastFullAt(RowSet<Row> rows) {
        OffsetDateTime lastFull = rows.iterator().next().getOffsetDateTime(0);
        return Optional.ofNullable(lastFull).map(OffsetDateTime::toInstant);
    }

    /**
     * @param fullListingStarted when the run's full listing started, if it made one
     */
    public Uni<Void> succeeded(String account, Instant finished, Optional<Instant> fullListingStarted) {
        return pool.preparedQuery(SUCCEEDED)
                .execute(Tuple.of(account, utc(finished), fullListingStarted.map(ReconcileRepository::utc).orElse(null)))
                .replaceWithVoid();
    }

    /** Per account, in epoch seconds: the last success, or the first run when none succeeded yet. */
    public Uni<Map<String, Double>> lastSuccesses() {
        return pool.query(LAST_SUCCESSES)
                .execute()
                .map(ReconcileRepository::byAccount);
    }

    private static Map<String, Double> byAccount(RowSet<Row> rows) {
        Map<String, Double> times = new HashMap<>();
        rows.forEach(row -> times.put(row.getString(0), row.getDouble(1)));
        return times;
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
