package io.paybridge.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import io.paybridge.accounts.Account;
import io.paybridge.accounts.Accounts;
import io.paybridge.backfill.BackfillResult;
import io.paybridge.backfill.BackfillService;
import io.paybridge.backfill.EventListing;
import io.paybridge.backfill.RateLimitBackoff;
import io.paybridge.stripe.StripeErrors;
import io.paybridge.stripe.StripeMetrics.Purpose;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The reconciliation sweep: for every account with an API key, asks the Stripe Events API for the
 * events of the window that Paybridge may have missed and stores them through
 * {@link BackfillService#listAndStore}, exactly as {@code backfill} does.
 *
 * <p>Cost: each run lists only the events whose webhook deliveries failed
 * ({@code delivery_success=false}), one call when webhooks flow. Every {@code full-every}, or at
 * once when that listing found a missing event, it lists every event, of every type, created since
 * the previous full listing started (less {@link #FULL_OVERLAP}), so full listings together read each
 * event about once. An event of a type no route takes is stored too, as {@code backfill} would, and
 * delivery skips it. Blocking: runs on a worker thread, never on an event loop.
 */
@ApplicationScoped
public class ReconcileService {

    /** Events created just before a listing started may show up in the Events API a little later. */
    static final Duration FULL_OVERLAP = Duration.ofMinutes(10);
    private static final Duration DATABASE_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(ReconcileService.class);

    private final BackfillService backfill;
    private final ReconcileRepository repository;
    private final ReconcileMetrics metrics;
    private final ReconcileConfig config;
    private final List<Account> targets;
    /** This replica, as the lease's owner. */
    private final String owner = "replica-" + UUID.randomUUID();

    public ReconcileService(Accounts accounts, BackfillService backfill, ReconcileRepository repository,
            ReconcileMetrics metrics, ReconcileConfig config) {
        this.backfill = backfill;
        this.repository = repository;
        this.metrics = metrics;
        this.config = config;
        // The same accounts as ReconcileMetrics registers its series for, at startup.
        this.targets = accounts.withApiKey();
    }

    /** The accounts a sweep covers: those with an API key. */
    public List<String> accounts() {
        return targets.stream().map(Account::name).toList();
    }

    /** The scheduled sweep: only when the deployment's last one started at least {@code every} ago. */
    public Sweep sweepIfDue() {
        return sweep(false, false);
    }

    /**
     * A sweep now, whenever the last one was (still never beside a running one).
     *
     * @param full list every event of the window, not only those whose deliveries failed
     */
    public Sweep sweepNow(boolean full) {
        return sweep(true, full);
    }

    /** Reads the deployment's last successes into the metrics. */
    public void refreshMetrics() {
        metrics.lastSuccesses(await(repository.lastSuccesses()));
    }

    private Sweep sweep(boolean force, boolean full) {
        if (!await(repository.claim(owner, config.every(), config.lease(), force))) {
            return Sweep.SKIPPED;
        }
        try {
            List<AccountRun> runs = new ArrayList<>();
            for (Account account : targets) {
                runs.add(reconcile(account, full));
            }
            return new Sweep(true, runs);
        } finally {
            release();
            refreshMetricsQuietly();
        }
    }

    private AccountRun reconcile(Account account, boolean forceFull) {
        Instant started = Instant.now();
        Instant windowStart = started.minus(config.window());
        BackfillResult result = BackfillResult.NONE;
        boolean full = false;
        try {
            Optional<Instant> lastFull = await(repository.lastFullListing(account.name()));
            full = forceFull || lastFull.isEmpty() || !lastFull.get().isAfter(started.minus(config.fullEvery()));
            if (!full) {
                result = list(account, EventListing.failedDeliveries(windowStart));
                // An event Stripe could not deliver is rarely alone: look at everything since the last full listing.
                full = result.stored() > 0;
            }
            if (full) {
                Instant from = forceFull || lastFull.isEmpty() ? windowStart : latest(windowStart, lastFull.get().minus(FULL_OVERLAP));
                result = result.plus(list(account, EventListing.all(from)));
            }
            await(repository.succeeded(account.name(), Instant.now(), full ? Optional.of(started) : Optional.empty()));
            return ended(new AccountRun(account.name(), RunOutcome.SUCCESS, full, result, null));
        } catch (RateLimitException limited) {
            return ended(new AccountRun(account.name(), RunOutcome.RATE_LIMITED, full, result,
                    "Stripe answered 429 after " + config.rateLimitRetries() + " retries; the next sweep goes on"));
        } catch (StripeException stripe) {
            return ended(new AccountRun(account.name(), RunOutcome.FAILED, full, result, StripeErrors.describe(stripe)));
        } catch (RuntimeException failure) {
            return ended(new AccountRun(account.name(), RunOutcome.FAILED, full, result, failure.toString()));
        }
    }

    private BackfillResult list(Account account, EventListing listing) throws StripeException {
        RateLimitBackoff backoff = new RateLimitBackoff(config.rateLimitRetries(), config.rateLimitBackoff());
        return backfill.listAndStore(account, listing, Purpose.RECONCILE, backoff, this::renewLease);
    }

    private void renewLease() {
        if (!await(repository.renew(owner, config.lease()))) {
            throw new IllegalStateException("the sweep's lease ran out (" + config.lease() + ") and another replica may sweep");
        }
    }

    private AccountRun ended(AccountRun run) {
        metrics.ran(run.account(), run.outcome(), run.result());
        String message = "Reconciliation of account %s (%s listing): listed=%d stored=%d present=%d outcome=%s%s";
        Object[] values = {run.account(), run.full() ? "full" : "failed-delivery", run.result().listed(), run.result().stored(),
                run.result().present(), run.outcome().value(), run.error() == null ? "" : ": " + run.error()};
        if (run.outcome() == RunOutcome.SUCCESS) {
            LOG.infof(message, values);
        } else {
            LOG.warnf(message, values);
        }
        return run;
    }

    private void release() {
        try {
            await(repository.release(owner));
        } catch (RuntimeException failure) {
            // The lease runs out by itself.
            LOG.warnf("Could not release the reconciliation lease, it runs out after %s: %s", config.lease(), failure.toString());
        }
    }

    private void refreshMetricsQuietly() {
        try {
            refreshMetrics();
        } catch (RuntimeException failure) {
            LOG.debugf("Could not read the reconciliation state: %s", failure.toString());
        }
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static <T> T await(Uni<T> work) {
        return work.await().atMost(DATABASE_TIMEOUT);
    }
}
