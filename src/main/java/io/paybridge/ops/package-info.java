/**
 * Operations: the admin API on the management port, replay, backfill from the Stripe Events API,
 * retention. May use intake (to store backfilled events as if they had arrived) and the mapping
 * rules (to show records); must never call Salesforce.
 */
package io.paybridge.ops;
