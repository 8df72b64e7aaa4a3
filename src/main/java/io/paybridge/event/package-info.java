/**
 * The stored Stripe event: its table as an entity, the statuses an event goes through, and
 * (read-only) the Salesforce ids of the records events map to. Read by the admin API; written by
 * intake and delivery with their own statements.
 */
package io.paybridge.event;
