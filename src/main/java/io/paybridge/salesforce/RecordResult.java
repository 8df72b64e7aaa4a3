package io.paybridge.salesforce;

import java.util.Set;

/**
 * Salesforce's answer for one record of a Collections upsert.
 *
 * @param success    whether the record was written
 * @param id         the Salesforce record id, when written
 * @param created    whether the upsert created the record
 * @param statusCode the first error's {@code statusCode} ({@code INVALID_FIELD}, ...), when not written
 * @param message    the first error's message, when not written
 */
public record RecordResult(boolean success, String id, boolean created, String statusCode, String message) {

    /** Per-record errors that go away by themselves; every other one needs a human. */
    private static final Set<String> RETRYABLE = Set.of("UNABLE_TO_LOCK_ROW", "DUPLICATE_VALUE");

    public static RecordResult written(String id, boolean created) {
        return new RecordResult(true, id, created, null, null);
    }

    public static RecordResult failed(String statusCode, String message) {
        return new RecordResult(false, null, false, statusCode, message);
    }

    public boolean retryable() {
        return !success && RETRYABLE.contains(statusCode);
    }
}
