package io.paybridge.admin;

import java.time.Instant;

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
}
