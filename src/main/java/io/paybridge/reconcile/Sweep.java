package io.paybridge.reconcile;

import java.util.List;

/**
 * What one sweep request came to.
 *
 * @param ran      false when another sweep held the lease, or the last one started less than
 *                 {@code every} ago: this replica skipped
 * @param accounts each account's run when it ran
 */
public record Sweep(boolean ran, List<AccountRun> accounts) {

    static final Sweep SKIPPED = new Sweep(false, List.of());
}
