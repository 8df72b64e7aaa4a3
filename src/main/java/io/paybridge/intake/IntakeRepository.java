package io.paybridge.intake;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;

import io.paybridge.event.DueEventsSignal;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Stores incoming events with group commit: events that arrive while an insert is running wait for
 * the next one and are written together by a single multi-row statement, so a burst of webhooks
 * costs a handful of transactions instead of one each. Every caller is answered only after the
 * commit that holds its row.
 *
 * <p>The statement is one {@code INSERT ... SELECT FROM unnest(arrays)}: one prepared statement
 * whatever the batch size, idempotent through {@code ON CONFLICT DO NOTHING} on the event's
 * primary key. A row held by a concurrent, uncommitted insert makes PostgreSQL wait for that
 * commit, so "duplicate" is only ever answered for a row that is durable.
 *
 * <p>An insert that has not committed shortly before the store timeout of its oldest request is
 * cancelled ({@link CancellableInsert}), so that the 503 its requests get leaves nothing stored.
 */
@ApplicationScoped
public class IntakeRepository {

    private static final Logger LOG = Logger.getLogger(IntakeRepository.class);

    /**
     * An invoice payment also links its invoice to its payment intent (V18), so that the invoice's
     * events, stored before or after it, join the payment's group: stored ones that another statement
     * holds at that moment (a claim, a settle) are skipped rather than waited for, and keep their group.
     * Only the invoice payment that creates the link moves stored events: the invoice's later events
     * take the link as they are stored, so a batch that repeats the payment (a redelivery, a backfill)
     * reads none of them again. A new event looks at the link before the batch's own payments: an
     * invoice paid again by another payment intent keeps the group of the first. An event skipped, or
     * stored by a concurrent batch that did not yet see the link, keeps its own group: records end
     * right by their watermarks; it costs one more push.
     * A replay walking groups in key order misses no moved event: a payment intent's group (pi_...)
     * sorts after an invoice's (in_...), so a moved event is ahead of the walk or visited twice.
     *
     * <p>Kept under the 2,048 characters of the client's statement cache (IntakeInsertStatementTest):
     * a longer statement is prepared and planned again at every batch. A cached statement keeps the
     * plan of its first batches, often made on a new database's empty table, where a scan of the
     * whole table looks cheapest; as a join, the stored invoice events were found that way, and every
     * batch scanned the table as it grew (IntakeInsertPlanTest). Looked up per linked invoice
     * (LATERAL) on every column of the group index, they are reached through it whatever the table
     * held when the plan was made. The update of the few found still joins them to the table by row:
     * a plan made on an empty table may scan it for that, but only in a batch that links an invoice
     * whose events are stored, and only until autovacuum's next analyze makes PostgreSQL plan again.
     */
    static final String INSERT = """
            WITH paid AS (
              SELECT account, invoice_id, min(payment_intent_id) AS payment_intent_id
              FROM unnest($1::text[], $15::text[], $14::text[]) AS p(account, invoice_id, payment_intent_id)
              WHERE invoice_id IS NOT NULL
              GROUP BY account, invoice_id),
            linked AS (
              INSERT INTO invoice_payment_link SELECT * FROM paid ON CONFLICT DO NOTHING RETURNING *),
            stored_invoice_events AS (
              SELECT s.row_id, l.payment_intent_id
              FROM linked l, LATERAL (SELECT ctid AS row_id FROM stripe_event
                WHERE (account, coalesce(payment_intent_id, object_id), object_id) = (l.account, l.invoice_id, l.invoice_id)
                  AND payment_intent_id IS NULL
                FOR UPDATE SKIP LOCKED) s),
            regrouped AS (
              UPDATE stripe_event e SET payment_intent_id = r.payment_intent_id
              FROM stored_invoice_events r WHERE e.ctid = r.row_id)
            INSERT INTO stripe_event (account, event_id, type, api_version, livemode, connect_account, object_id,
              object_type, object_status, created, payload, thin, related_url, payment_intent_id)
            SELECT i.account, i.event_id, i.type, i.api_version, i.livemode, i.connect_account, i.object_id,
              i.object_type, i.object_status, i.created, i.payload, i.thin, i.related_url,
              CASE WHEN i.payment_intent_id IS NULL AND i.object_type = 'invoice' THEN coalesce(
                (SELECT payment_intent_id FROM invoice_payment_link WHERE (account, invoice_id) = (i.account, i.object_id)),
                (SELECT payment_intent_id FROM paid WHERE (account, invoice_id) = (i.account, i.object_id)))
              ELSE i.payment_intent_id END
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::text[],
              $8::text[], $9::text[], $10::timestamptz[], $11::bytea[], $12::boolean[], $13::text[], $14::text[])
              AS i(account, event_id, type, api_version, livemode, connect_account, object_id, object_type,
              object_status, created, payload, thin, related_url, payment_intent_id)
            ON CONFLICT (account, event_id) DO NOTHING
            RETURNING account, event_id
            """;

    /** Longest the database may take to confirm a cancel before the connection is given back anyway. */
    private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(2);

    private final Pool pool;
    private final Vertx vertx;
    private final DueEventsSignal dueEvents;
    private final IntakeMetrics metrics;
    private final int maxBatchSize;
    private final int maxConcurrentBatches;
    private final int maxQueuedEvents;
    /**
     * How long after a request arrives its insert is cancelled: nine tenths of the store timeout,
     * leaving the cancel time to end the statement before the request's own timeout answers it.
     */
    private final long cancelAfterNanos;

    private final ConcurrentLinkedQueue<PendingEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();

    public IntakeRepository(Pool pool, Vertx vertx, DueEventsSignal dueEvents, IntakeConfig config, IntakeMetrics metrics) {
        this.pool = pool;
        this.vertx = vertx;
        this.dueEvents = dueEvents;
        this.metrics = metrics;
        this.maxBatchSize = config.maxBatchSize();
        this.maxConcurrentBatches = config.maxConcurrentBatches();
        this.maxQueuedEvents = config.maxQueuedEvents();
        this.cancelAfterNanos = config.storeTimeout().toNanos() / 10 * 9;
        metrics.watchQueue(queued::get);
    }

    /**
     * Stores the event unless it is already there. The item arrives after the commit; a failure
     * means the event may or may not be stored, and the sender should retry.
     */
    public Uni<StoreOutcome> store(String account, EventEnvelope envelope, byte[] body) {
        return Uni.createFrom().emitter(emitter -> enqueue(new PendingEvent(account, envelope, body, emitter)));
    }

    /** Events waiting for an insert, for the metrics. */
    public int queuedEvents() {
        return queued.get();
    }

    private void enqueue(PendingEvent event) {
        if (queued.incrementAndGet() > maxQueuedEvents) {
            queued.decrementAndGet();
            event.emitter().fail(new StorageUnavailableException("too many events are waiting for the database"));
            return;
        }
        event.emitter().onTermination(event::abandon);
        queue.add(event);
        drain();
    }

    /**
     * Starts inserts while there is waiting work and a free slot. Called on every arrival and every
     * completion, so no event waits without an insert coming for it.
     */
    private void drain() {
        while (!queue.isEmpty()) {
            int current = running.get();
            if (current >= maxConcurrentBatches) {
                return;
            }
            if (!running.compareAndSet(current, current + 1)) {
                continue;
            }
            List<PendingEvent> batch = nextBatch();
            if (batch.isEmpty()) {
                running.decrementAndGet();
                continue;
            }
            long started = System.nanoTime();
            long cancelAt = batch.stream().mapToLong(this::cancelAt).min().orElseThrow();
            metrics.batchStarted(batch.size());
            Uni.createFrom().deferred(() -> insert(batch, cancelAt))
                    .onTermination().invoke(() -> metrics.committed(System.nanoTime() - started))
                    .subscribe().with(
                            stored -> completeBatch(batch, stored),
                            failure -> failBatch(batch, failure));
        }
    }

    private List<PendingEvent> nextBatch() {
        List<PendingEvent> batch = new ArrayList<>(Math.min(maxBatchSize, queued.get() + 1));
        long now = System.nanoTime();
        PendingEvent event;
        while (batch.size() < maxBatchSize && (event = queue.poll()) != null) {
            queued.decrementAndGet();
            metrics.queued(Math.max(0, now - event.queuedAt()));
            // A request that has already been answered (timed out) is left for Stripe's retry.
            if (event.abandoned()) {
                continue;
            }
            if (cancelAt(event) <= now) {
                event.emitter().fail(new StorageUnavailableException("no insert could start within the store timeout"));
                continue;
            }
            batch.add(event);
        }
        return batch;
    }

    private long cancelAt(PendingEvent event) {
        return event.queuedAt() + cancelAfterNanos;
    }

    private Uni<Set<EventKey>> insert(List<PendingEvent> batch, long cancelAt) {
        // In key order, as every insert writes them: two inserts holding some of each other's rows
        // (a sweep or backfill storing events that webhooks bring at the same moment) then wait
        // for one another in one direction only, never in a deadlock that aborts a whole batch.
        Map<EventKey, PendingEvent> distinct = new TreeMap<>();
        batch.forEach(event -> distinct.putIfAbsent(event.key(), event));
        Tuple rows = columns(distinct.values());
        return pool.withConnection(connection -> new CancellableInsert(connection).execute(rows, cancelAt));
    }

    /** The insert's parameters: one array per column, the events' values in the same order in each. */
    private static Tuple columns(Collection<PendingEvent> events) {
        List<EventEnvelope> envelopes = events.stream().map(PendingEvent::envelope).toList();
        return Tuple.from(List.of(
                column(events, String[]::new, PendingEvent::account),
                column(envelopes, String[]::new, EventEnvelope::id),
                column(envelopes, String[]::new, EventEnvelope::type),
                column(envelopes, String[]::new, EventEnvelope::apiVersion),
                column(envelopes, Boolean[]::new, EventEnvelope::livemode),
                column(envelopes, String[]::new, EventEnvelope::connectAccount),
                column(envelopes, String[]::new, EventEnvelope::objectId),
                column(envelopes, String[]::new, EventEnvelope::objectType),
                column(envelopes, String[]::new, EventEnvelope::objectStatus),
                column(envelopes, OffsetDateTime[]::new, envelope -> envelope.created().atOffset(ZoneOffset.UTC)),
                column(events, Buffer[]::new, event -> Buffer.buffer(event.body())),
                column(envelopes, Boolean[]::new, EventEnvelope::thin),
                column(envelopes, String[]::new, EventEnvelope::relatedUrl),
                column(envelopes, String[]::new, EventEnvelope::paymentIntentId),
                column(envelopes, String[]::new, EventEnvelope::paidInvoiceId)));
    }

    /** A typed array, which the client binds as the SQL array the statement unnests. */
    private static <R, V> V[] column(Collection<R> rows, IntFunction<V[]> array, Function<R, V> value) {
        return rows.stream().map(value).toArray(array);
    }

    private static Set<EventKey> insertedKeys(RowSet<Row> rows) {
        Set<EventKey> inserted = new HashSet<>();
        for (Row row : rows) {
            inserted.add(new EventKey(row.getString(0), row.getString(1)));
        }
        return inserted;
    }

    private void completeBatch(List<PendingEvent> batch, Set<EventKey> inserted) {
        running.decrementAndGet();
        drain();
        if (!inserted.isEmpty()) {
            dueEvents.announce();
        }
        for (PendingEvent event : batch) {
            // The first of several copies of one event in a batch is the one that was inserted.
            boolean accepted = inserted.remove(event.key());
            event.emitter().complete(accepted ? StoreOutcome.ACCEPTED : StoreOutcome.DUPLICATE);
        }
    }

    private void failBatch(List<PendingEvent> batch, Throwable failure) {
        running.decrementAndGet();
        LOG.warnf("Could not store %d event(s): %s", batch.size(), failure.toString());
        drain();
        StorageUnavailableException unavailable = failure instanceof StorageUnavailableException known ? known
                : new StorageUnavailableException("the database did not commit", failure);
        batch.forEach(event -> event.emitter().fail(unavailable));
    }

    /**
     * One insert that PostgreSQL abandons if it has not ended by its deadline. A cancel request (the
     * protocol's own, over a connection of its own) ends a statement that waits on a lock or a slow
     * disk with an error, and its transaction with it, so the batch is answered 503 knowing that
     * none of it is stored, where the requests' own timeout would answer while the insert could
     * still commit. A cancel that comes as the statement commits changes nothing: the commit
     * stands and is answered as such. The connection goes back to the pool only once the cancel is
     * delivered, so that it cannot reach the next statement run on that connection.
     */
    private final class CancellableInsert {
        private static final int RUNNING = 0;
        private static final int ENDED = 1;
        private static final int CANCELLED = 2;

        private final SqlConnection connection;
        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private final CompletableFuture<Void> cancelDelivered = new CompletableFuture<>();

        CancellableInsert(SqlConnection connection) {
            this.connection = connection;
        }

        Uni<Set<EventKey>> execute(Tuple rows, long cancelAt) {
            long delayMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(cancelAt - System.nanoTime()));
            long timer = vertx.setTimer(delayMillis, id -> cancel());
            return connection.preparedQuery(INSERT)
                    .execute(rows)
                    .map(IntakeRepository::insertedKeys)
                    .onFailure().transform(this::explained)
                    .onTermination().call(() -> ended(timer));
        }

        private void cancel() {
            if (state.compareAndSet(RUNNING, CANCELLED)) {
                PgConnection.cast(connection).cancelRequest()
                        .ifNoItem().after(CANCEL_TIMEOUT).fail()
                        .subscribe().with(delivered -> cancelDelivered.complete(null), lost -> cancelDelivered.complete(null));
            }
        }

        private Throwable explained(Throwable failure) {
            return state.get() == CANCELLED
                    ? new StorageUnavailableException("no commit within the store timeout: the insert was cancelled, "
                            + "nothing of it is stored", failure)
                    : failure;
        }

        private Uni<Void> ended(long timer) {
            vertx.cancelTimer(timer);
            if (state.compareAndSet(RUNNING, ENDED)) {
                return Uni.createFrom().voidItem();
            }
            return Uni.createFrom().completionStage(cancelDelivered);
        }
    }

    record EventKey(String account, String eventId) implements Comparable<EventKey> {

        private static final Comparator<EventKey> ORDER = Comparator.comparing(EventKey::account)
                .thenComparing(EventKey::eventId);

        @Override
        public int compareTo(EventKey other) {
            return ORDER.compare(this, other);
        }
    }

    private static final class PendingEvent {
        private final String account;
        private final EventEnvelope envelope;
        private final byte[] body;
        private final UniEmitter<? super StoreOutcome> emitter;
        private final long queuedAt = System.nanoTime();
        private volatile boolean abandoned;

        PendingEvent(String account, EventEnvelope envelope, byte[] body, UniEmitter<? super StoreOutcome> emitter) {
            this.account = account;
            this.envelope = envelope;
            this.body = body;
            this.emitter = emitter;
        }

        String account() {
            return account;
        }

        EventEnvelope envelope() {
            return envelope;
        }

        byte[] body() {
            return body;
        }

        UniEmitter<? super StoreOutcome> emitter() {
            return emitter;
        }

        long queuedAt() {
            return queuedAt;
        }

        EventKey key() {
            return new EventKey(account, envelope.id());
        }

        void abandon() {
            abandoned = true;
        }

        boolean abandoned() {
            return abandoned;
        }
    }
}
