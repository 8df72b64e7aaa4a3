package io.paybridge.reconcile;

/** How one account's part of a sweep ended: the {@code outcome} of {@code paybridge_reconcile_runs_total}. */
public enum RunOutcome {
    /** Listed to the end; every missing event is stored. */
    SUCCESS("success"),
    /** Stripe kept answering 429 after the retries: the next sweep goes on. */
    RATE_LIMITED("rate_limited"),
    /** Stripe or the database failed (an outage, a refused key): the next sweep tries again. */
    FAILED("failed");

    private final String value;

    RunOutcome(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }
}
