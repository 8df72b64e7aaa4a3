package io.paybridge.reconcile;

import io.paybridge.backfill.BackfillResult;

/**
 * One account's part of a sweep.
 *
 * @param full   whether every event was listed, not only those whose webhook deliveries failed
 * @param error  why it did not succeed (no secret, no payload), or null
 */
public record AccountRun(String account, RunOutcome outcome, boolean full, BackfillResult result, String error) {
}
