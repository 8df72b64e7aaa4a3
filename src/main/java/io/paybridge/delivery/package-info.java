/**
 * Delivery: the pipeline that claims stored events, maps them through the mapping rules, pushes the
 * records to Salesforce and settles the events (delivered, skipped, retrying, dead). Owns the
 * ordering rule, leases and the delivery metrics. Talks to Salesforce only through
 * {@code io.paybridge.salesforce.SalesforceClient}; never calls intake.
 */
package io.paybridge.delivery;
