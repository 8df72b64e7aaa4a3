package io.paybridge.admin;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A Salesforce record an event maps to, with its Salesforce id once Paybridge has written it.
 */
@RegisterForReflection
public record RecordLink(String sobject, String externalIdField, String externalId, String salesforceId) {
}
