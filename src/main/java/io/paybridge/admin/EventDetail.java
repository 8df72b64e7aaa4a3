package io.paybridge.admin;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One stored event as an operator inspects it: its delivery state, the Salesforce records it maps
 * to under the current routes, and the event exactly as stored.
 *
 * @param summary      the fields of the listing, at the top level of the JSON as there
 * @param mappingError why the current routes cannot map the event, or null
 * @param payload      the stored event, embedded as JSON
 * @param fetched      for a thin event, its object as delivery fetched it at the last attempt,
 *                     embedded as JSON; null for snapshot events and thin events not fetched yet
 */
@RegisterForReflection
public record EventDetail(
        @JsonUnwrapped EventSummary summary,
        String objectId,
        String objectType,
        Instant nextAttemptAt,
        List<RecordLink> records,
        String mappingError,
        @JsonRawValue String payload,
        @JsonRawValue String fetched) {
}
