/**
 * The stored Stripe event: its table as an entity, and the statuses an event goes through. Read by
 * the admin API; written by intake and delivery with their own statements.
 */
package io.paybridge.event;
