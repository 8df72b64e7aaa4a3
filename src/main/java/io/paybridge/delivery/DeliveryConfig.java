package io.paybridge.delivery;

import java.time.Duration;
import java.util.Optional;

import io.paybridge.app.ConfigBounds;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How stored events are claimed, retried and given up on.
 */
@ConfigMapping(prefix = "paybridge.delivery")
public interface DeliveryConfig {

    /** First retry delay; each further failure doubles it, with jitter. */
    @WithDefault("1s")
    Duration minBackoff();

    /** Longest retry delay. */
    @WithDefault("1h")
    Duration maxBackoff();

    /** Attempts before an event becomes {@code dead}. */
    @WithDefault("20")
    int maxAttempts();

    /**
     * How long a replica holds the events and records it claimed. A replica that dies loses its
     * claims after this; keep it well above {@code paybridge.salesforce.timeout}.
     */
    @WithDefault("60s")
    Duration lease();

    /**
     * Salesforce calls in flight at once per replica, shared by its workers: a turn's calls wait for
     * a free one (the wait is not part of a call's timeout), so that while one worker claims, maps
     * and settles, the other's calls keep Salesforce busy. Replicas x this is the most calls at once;
     * 10 keeps two replicas (20) within an org's 25 concurrent calls of 20 s or more, and a replay of
     * a large backlog, which filled 8 slots, went 11-17 % faster with 10 (docs/benchmarks.md).
     */
    @WithDefault("10")
    int concurrency();

    /**
     * Turns run side by side per replica: while one waits for Salesforce, another claims, maps
     * and settles. Workers take whole claims of their own; when two meet on a record, the later one
     * hands that record's events back for a moment instead of waiting.
     */
    @WithDefault("2")
    int workers();

    /**
     * Most events claimed at once, oldest due first; the claim then adds the other due events of
     * the payments it reached (a payment intent, its charges and invoice payments, the invoices they
     * paid; any other object alone), at most twice as many, so that a turn holds whole objects and
     * pushes a payment's records once. A turn's
     * records are grouped by SObject into Salesforce's 200-record calls; on a backlog (a full claim)
     * the records of each group's last, partial call wait for the next turn, whose calls they fill.
     * What a turn holds in memory is bounded by {@code claim-objects}.
     */
    @WithDefault("4000")
    int claimSize();

    /**
     * Most Stripe objects claimed at once: the claim takes the events of the first objects it
     * reached and leaves the rest due, cutting between payments (a payment whose first object is
     * within the bound is taken whole, a few objects more). A turn holds the records it maps, about
     * one per object, until it settles: 4,000 events of distinct objects ran a 256 MB heap out of
     * memory with two workers on a replay of 500,000, while 4,000 events of a billing run (an
     * invoice, its payment intents and payouts, a few events each) hold about 1,400 objects.
     */
    @WithDefault("2000")
    int claimObjects();

    /**
     * Most payload bytes claimed at once: a claim stops adding payments, oldest first, once their
     * payloads reach this (it always takes at least one; a payment it starts, it takes whole). A
     * turn reads its payloads a page of about 1 MB at a time as it maps them, but what it maps them
     * to (the fields of the records it pushes) grows with them and stays until it settles. Stripe's
     * events weigh from 1 KB to several hundred (invoices with their lines), which a limit in
     * events alone cannot bound.
     */
    @WithDefault("16M")
    MemorySize claimBytes();

    /**
     * Longest wait for more work when there was nothing due. New events and replays wake the
     * pipeline at once (PostgreSQL {@code LISTEN}); this catches retries coming due and any
     * notification lost while the listening connection was down.
     */
    @WithDefault("1s")
    Duration pollInterval();

    /**
     * A turn that has not ended after this is abandoned (its claims come back after their lease)
     * and the next one starts; liveness goes down when no turn has ended for 3 times this.
     * Default: twice {@code lease}.
     */
    Optional<Duration> turnTimeout();

    /**
     * On shutdown, how long the turns in flight get to end: their Salesforce calls answered and
     * their outcomes settled, so that a rolling update leaves no claim to wait out its lease. Workers
     * take no new turn once shutdown begins; a turn still running after this is abandoned (its
     * claims come back after their lease). Keep it, with {@code quarkus.shutdown.timeout}, within
     * the pod's {@code terminationGracePeriodSeconds}.
     */
    @WithDefault("15s")
    Duration shutdownWait();

    /** The bounds of these properties, checked as the configuration is read (config/ConfigChecks). */
    static void check(DeliveryConfig delivery, ConfigBounds bounds) {
        bounds.atLeast("max-attempts", delivery.maxAttempts(), 1);
        bounds.between("concurrency", delivery.concurrency(), 1, 64);
        bounds.between("workers", delivery.workers(), 1, 16);
        bounds.between("claim-size", delivery.claimSize(), 1, 10000);
        bounds.between("claim-objects", delivery.claimObjects(), 1, 10000);
        bounds.atLeast("shutdown-wait", delivery.shutdownWait(), Duration.ZERO);
    }
}
