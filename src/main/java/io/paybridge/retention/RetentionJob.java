package io.paybridge.retention;

import java.time.Duration;

import io.paybridge.app.RunMode;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Purges finished events older than {@code paybridge.retention.done}, one small batch per
 * statement. The Salesforce records' watermarks stay: they keep a late or backfilled old event
 * from overwriting newer state after its siblings are gone.
 */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    /** SKIP LOCKED: replicas purging at once split the work instead of waiting on each other. */
    private static final String PURGE = """
            DELETE FROM stripe_event e
             USING (SELECT account, event_id FROM stripe_event
                     WHERE status IN ('delivered', 'skipped')
                       AND done_at < now() - make_interval(secs => $1)
                     ORDER BY done_at
                     LIMIT $2
                     FOR UPDATE SKIP LOCKED) old
             WHERE e.account = old.account AND e.event_id = old.event_id
            """;

    private final Pool pool;
    private final RetentionConfig config;

    public RetentionJob(Pool pool, RetentionConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(every = "${paybridge.retention.every:1h}", delayed = "${paybridge.retention.every:1h}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = RunMode.NotServing.class)
    Uni<Void> scheduledPurge() {
        return purge()
                .onFailure().invoke(failure -> LOG.warnf("Retention purge failed, next run retries: %s", failure.toString()))
                .onFailure().recoverWithItem(0L)
                .replaceWithVoid();
    }

    /** @return how many events were purged */
    public Uni<Long> purge() {
        return purgeFrom(0, 0L)
                .invoke(this::logPurged);
    }

    private Uni<Long> purgeFrom(int batch, long purgedSoFar) {
        return purgeBatch()
                .chain(purged -> purged < config.batchSize() || batch + 1 >= config.maxBatches()
                        ? Uni.createFrom().item(purgedSoFar + purged)
                        : purgeFrom(batch + 1, purgedSoFar + purged));
    }

    private Uni<Integer> purgeBatch() {
        Duration age = config.done();
        return pool.preparedQuery(PURGE)
                .execute(Tuple.of(age.toSeconds(), config.batchSize()))
                .map(rows -> rows.rowCount());
    }

    private void logPurged(long purged) {
        if (purged > 0) {
            LOG.infof("Retention purged %d delivered or skipped events finished more than %s ago", purged, config.done());
        }
    }
}
