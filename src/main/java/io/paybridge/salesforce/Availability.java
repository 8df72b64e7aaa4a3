package io.paybridge.salesforce;

/**
 * Whether Salesforce may be called now, and if not, why. While it is not available the delivery
 * pipeline claims nothing and spends no attempts.
 */
public enum Availability {
    /** Calls may be made. */
    AVAILABLE,
    /** The circuit breaker {@code salesforce} is open after repeated failures. */
    CIRCUIT_OPEN,
    /** Salesforce answered 403 {@code REQUEST_LIMIT_EXCEEDED}: paused for {@code limit-pause}. */
    LIMIT_EXCEEDED,
    /** The org's API usage is at or above {@code max-api-usage}: paused until it falls. */
    BUDGET_SPENT
}
