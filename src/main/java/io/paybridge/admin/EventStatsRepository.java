package io.paybridge.admin;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.paybridge.event.EventStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Counts of stored events per time bucket and status: one group-by on {@code created}, the column
 * the listing's {@code since}/{@code until} bound, so that a bar of the chart and the listing of its
 * window show the same events.
 *
 * <p>Only the window is read: with an account through the {@code (account, created, event_id)}
 * index; without one, the condition on every status lets PostgreSQL range-scan the
 * {@code (status, created)} index once per status instead of reading the whole table.
 */
@ApplicationScoped
public class EventStatsRepository {

    // Hand-written: bucketing by epoch arithmetic with filtered aggregates is plain SQL; HQL would only obscure it.
    private static final String STATS = """
            SELECT floor(extract(epoch FROM created - $1) / $3)::int AS bucket, status, count(*) AS events,
                   avg(extract(epoch FROM done_at - received_at)) FILTER (WHERE status = 'delivered') AS lag,
                   max(extract(epoch FROM done_at - received_at)) FILTER (WHERE status = 'delivered') AS max_lag
              FROM stripe_event
             WHERE created >= $1 AND created < $2 AND %s
             GROUP BY 1, 2
            """;
    private static final String BY_ACCOUNT = "account = $4";
    private static final String ANY_STATUS = "status = ANY($4)";

    private static final String[] ALL_STATUSES = Stream.of(EventStatus.values()).map(EventStatus::value).toArray(String[]::new);

    private final Pool pool;

    public EventStatsRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<EventStats> stats(StatsRequest request) {
        Tuple parameters = Tuple.of(
                request.since().atOffset(ZoneOffset.UTC),
                request.until().atOffset(ZoneOffset.UTC),
                request.bucket().toSeconds(),
                request.account().isPresent() ? request.account().get() : ALL_STATUSES);
        return pool.preparedQuery(STATS.formatted(request.account().isPresent() ? BY_ACCOUNT : ANY_STATUS))
                .execute(parameters)
                .map(rows -> stats(request, rows));
    }

    private static EventStats stats(StatsRequest request, RowSet<Row> rows) {
        List<MutableBucket> buckets = new ArrayList<>();
        for (int i = 0; i < request.bucketCount(); i++) {
            buckets.add(new MutableBucket());
        }
        for (Row row : rows) {
            MutableBucket bucket = buckets.get(row.getInteger("bucket"));
            bucket.counts.merge(row.getString("status"), row.getLong("events"), Long::sum);
            if (row.getValue("lag") != null) {
                bucket.lag = row.getNumeric("lag").doubleValue();
                bucket.maxLag = row.getNumeric("max_lag").doubleValue();
            }
        }
        List<EventStats.Bucket> answer = new ArrayList<>(buckets.size());
        for (int i = 0; i < buckets.size(); i++) {
            MutableBucket bucket = buckets.get(i);
            answer.add(new EventStats.Bucket(request.since().plus(request.bucket().multipliedBy(i)),
                    bucket.counts, bucket.lag, bucket.maxLag));
        }
        return new EventStats(request.since(), request.until(), request.bucket().toSeconds(), answer);
    }

    private static final class MutableBucket {
        private final Map<String, Long> counts = new LinkedHashMap<>();
        private Double lag;
        private Double maxLag;

        MutableBucket() {
            for (EventStatus status : EventStatus.values()) {
                counts.put(status.value(), 0L);
            }
        }
    }
}
