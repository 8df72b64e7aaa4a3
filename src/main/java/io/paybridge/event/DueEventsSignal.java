package io.paybridge.event;

import java.util.concurrent.atomic.AtomicBoolean;

import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Tells every replica, through PostgreSQL's {@code NOTIFY} on {@link #CHANNEL}, that events have
 * become due; whoever delivers listens there. Writers announce after their own commit instead of
 * notifying from inside it: PostgreSQL serialises the commits of notifying transactions on one
 * database-wide lock held through the WAL flush, which made every intake batch wait for the other's
 * flush (measured: fewer events a second, a longer tail, and a third more PostgreSQL CPU per
 * event). The announcement is a transaction of its own that writes no data and so commits without
 * waiting for the disk, and announcements coalesce: while one is on its way, any number of
 * further calls make exactly one more after it, so the last one always follows the last commit.
 */
@ApplicationScoped
public class DueEventsSignal {

    /** The channel delivery listens on; the trigger of B12__schema.sql notifies it too. */
    public static final String CHANNEL = "paybridge_due_events";

    private static final Logger LOG = Logger.getLogger(DueEventsSignal.class);

    // set_config(..., true) holds until the end of this statement's own transaction, its commit included.
    private static final String NOTIFY = "SELECT set_config('synchronous_commit', 'off', true), pg_notify('"
            + CHANNEL + "', '')";

    private final Pool pool;
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public DueEventsSignal(Pool pool) {
        this.pool = pool;
    }

    /**
     * Announces events committed before this call. Never fails and never waits: a lost
     * announcement only leaves the events to the next poll.
     */
    public void announce() {
        again.set(true);
        if (sending.compareAndSet(false, true)) {
            send();
        }
    }

    private void send() {
        again.set(false);
        pool.query(NOTIFY)
                .execute()
                .subscribe().with(
                        ignored -> sent(),
                        this::notSent);
    }

    private void notSent(Throwable failure) {
        LOG.debugf("Could not announce due events (%s): the poll will find them", failure.toString());
        sent();
    }

    private void sent() {
        sending.set(false);
        if (again.get() && sending.compareAndSet(false, true)) {
            send();
        }
    }
}
