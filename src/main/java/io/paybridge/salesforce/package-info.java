/**
 * Salesforce: OAuth tokens, the sObject Collections upsert and the org limits, behind
 * {@link io.paybridge.salesforce.SalesforceClient}, which owns retries, the circuit breaker and the
 * API budget. Speaks HTTP only: must never reach the database, delivery or intake.
 */
package io.paybridge.salesforce;
