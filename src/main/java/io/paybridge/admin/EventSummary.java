package io.paybridge.admin;

import java.time.Instant;

import io.paybridge.event.EventStatus;
import io.quarkus.hibernate.reactive.panache.common.ProjectedConstructor;
import io.quarkus.hibernate.reactive.panache.common.ProjectedFieldName;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** One stored event in the admin API's listing. */
@RegisterForReflection
public record EventSummary(
        String account,
        String id,
        String type,
        String status,
        int attempts,
        Instant created,
        Instant receivedAt,
        String lastError) {

    /** From a stored event's attributes: what the listing's Panache projection selects. */
    @ProjectedConstructor
    public EventSummary(String account, @ProjectedFieldName("eventId") String id, String type, EventStatus status,
            int attempts, Instant created, Instant receivedAt, String lastError) {
        this(account, id, type, status.value(), attempts, created, receivedAt, lastError);
    }
}
