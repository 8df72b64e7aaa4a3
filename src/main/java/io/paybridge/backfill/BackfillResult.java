package io.paybridge.backfill;

/**
 * What a backfill found.
 *
 * @param listed  events the Stripe Events API returned
 * @param stored  events Paybridge did not have, now stored as pending
 * @param present events Paybridge already had, left alone
 */
public record BackfillResult(long listed, long stored, long present) {

    public static final BackfillResult NONE = new BackfillResult(0, 0, 0);

    public BackfillResult plus(BackfillResult other) {
        return new BackfillResult(listed + other.listed, stored + other.stored, present + other.present);
    }
}
