package io.paybridge.delivery;

/**
 * What became of one record's push.
 */
public record RecordOutcome(Kind kind, String salesforceId, String error) {

    public enum Kind {
        /** Written. */
        DELIVERED(0),
        /** Not attempted (limit pause, open circuit, record held elsewhere): no attempt spent. */
        RELEASED(1),
        /** Failed for now: retry with backoff. */
        RETRY(2),
        /** Refused for good: needs a human. */
        DEAD(3);

        private final int severity;

        Kind(int severity) {
            this.severity = severity;
        }

        int severity() {
            return severity;
        }
    }

    public static RecordOutcome delivered(String salesforceId) {
        return new RecordOutcome(Kind.DELIVERED, salesforceId, null);
    }

    public static RecordOutcome released(String why) {
        return new RecordOutcome(Kind.RELEASED, null, why);
    }

    public static RecordOutcome retry(String error) {
        return new RecordOutcome(Kind.RETRY, null, error);
    }

    public static RecordOutcome dead(String error) {
        return new RecordOutcome(Kind.DEAD, null, error);
    }
}
