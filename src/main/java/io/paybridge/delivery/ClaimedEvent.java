package io.paybridge.delivery;

import java.time.Instant;

import io.paybridge.event.EventStatus;

/**
 * A stored event this replica holds the lease of, without its payload: a turn reads payloads a page
 * at a time as it maps them (see {@link PayloadPages}).
 *
 * @param payloadBytes the stored payload's length, read without reading the payload
 * @param thin       a thin event: its object is fetched from {@code relatedUrl} before mapping
 * @param relatedUrl the Stripe API path of a thin event's object, else null
 * @param context    the connected account the event belongs to (a thin event's {@code context}, a
 *                   snapshot event's {@code account}), or null
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
        int payloadBytes,
        boolean thin,
        String relatedUrl,
        String context) {

    /** A snapshot event. */
    public ClaimedEvent(String account, String eventId, String type, Instant created, Instant receivedAt,
            String objectType, String objectStatus, EventStatus status, int attempts, int payloadBytes) {
        this(account, eventId, type, created, receivedAt, objectType, objectStatus, status, attempts, payloadBytes, false,
                null, null);
    }

    /** Milliseconds kept: a thin event's {@code created} has them (a snapshot event's are zero). */
    public OrderingKey orderingKey() {
        return OrderingKey.of(created.toEpochMilli(), objectType, objectStatus, eventId);
    }

    public EventRef ref() {
        return new EventRef(account, eventId);
    }

    /** A thin event as its fetched object places it: the object's status ranks it. */
    ClaimedEvent withObjectStatus(String fetchedStatus) {
        return new ClaimedEvent(account, eventId, type, created, receivedAt, objectType, fetchedStatus, status, attempts,
                payloadBytes, thin, relatedUrl, context);
    }

    public record EventRef(String account, String eventId) {
    }
}
