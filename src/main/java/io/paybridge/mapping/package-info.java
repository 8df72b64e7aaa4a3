/**
 * Mapping rules (the "routes" of the routes file, not HTTP routes): which Stripe event types write
 * which Salesforce fields, and the pure conversion of an event into record writes. Must stay pure:
 * no database, no HTTP, no Mutiny, no other Paybridge package.
 */
package io.paybridge.mapping;
