package io.paybridge.salesforce;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The body of a Collections upsert. {@code allOrNone} is always false: one refused record must not
 * hold back the others of its batch.
 */
@RegisterForReflection
public record CollectionsUpsert(boolean allOrNone, List<Map<String, Object>> records) {
}
