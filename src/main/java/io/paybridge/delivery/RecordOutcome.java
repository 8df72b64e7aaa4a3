package io.paybridge.delivery;

/**
 * What became of one record's push.
 */
public record RecordOutcome(Kind kind, String salesforceId, String error) {

    public enum Kind {
        /** Written. */
        DELIVERED(0),
        /**
         * Not sent: the part of a call a turn of a backlog leaves for the next turn to fill. Its
         * events are due again at once, in their place, without an attempt spent.
         */
        HELD_BACK(1),
        /** Not attempted (limit pause, open circuit, record held elsewhere): no attempt spent. */
        RELEASED(2),
        /** Failed for now: retry with backoff. */
        RETRY(3),
        /** Refused for good: needs a human. */
        DEAD(4);

        private final int severity;

        Kind(int severity) {
            this.severity = severity;
        }

        int severity() {
            return severity;
        }

        /** Whether a record of this outcome went to Salesforce (or was meant to and was not let). */
        boolean sent() {
            return this != HELD_BACK;
        }
    }

    public static RecordOutcome delivered(String salesforceId) {
        return new RecordOutcome(Kind.DELIVERED, salesforceId, null);
    }

    public static RecordOutcome heldBack() {
        return new RecordOutcome(Kind.HELD_BACK, null, null);
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
