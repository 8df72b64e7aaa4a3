package io.paybridge.mapping;

import java.util.Map;

/**
 * What one route makes of one event for one Salesforce record: the record's identity and the
 * fields to upsert. Field values are JSON-ready: {@code String}, {@code BigDecimal}, {@code Long},
 * {@code Boolean} or {@code null} (sent as JSON null, to clear the field).
 *
 * @param route           the route's name, unique in the routes file; the ordering rule keeps
 *                        one watermark per route and record
 * @param sobject         the SObject API name, e.g. {@code Stripe_Payment__c}
 * @param externalIdField the external id field, e.g. {@code Stripe_Payment_Intent_Id__c}
 * @param externalId      the external id value (a Stripe object id)
 * @param fields          fields only this route writes on this SObject, in file order
 * @param sharedFields    fields that several routes write on this SObject, and the fields every
 *                        record gets ({@code Stripe_Account__c}, {@code Livemode__c},
 *                        {@code Last_Stripe_Event_*}): they take the value of the newest event
 *                        applied to the record by any route
 */
public record RecordWrite(
        String route,
        String sobject,
        String externalIdField,
        String externalId,
        Map<String, Object> fields,
        Map<String, Object> sharedFields) {
}
