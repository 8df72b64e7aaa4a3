package io.paybridge.delivery;

import java.time.Instant;

import io.paybridge.event.EventStatus;

/**
 * A stored event this replica holds the lease of.
 */
public record ClaimedEvent(
        String account,
        String eventId,
        String type,
        Instant created,
        Instant receivedAt,
        String objectType,
        String objectStatus,
        EventStatus status,
        int attempts,
        byte[] payload) {

    public OrderingKey orderingKey() {
        return OrderingKey.of(created.getEpochSecond(), objectType, objectStatus, eventId);
    }

    public EventRef ref() {
        return new EventRef(account, eventId);
    }

    public record EventRef(String account, String eventId) {
    }
}
