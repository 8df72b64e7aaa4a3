package io.paybridge.intake;

/**
 * A stored (or already stored) event, as the endpoint reports it.
 */
public record IntakeResult(EventEnvelope envelope, StoreOutcome outcome) {
}
