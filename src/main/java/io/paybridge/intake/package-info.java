/**
 * Intake: the webhook endpoints on port 8080. Verifies the Stripe-Signature over the raw body, reads
 * the envelope (snapshot or thin event), stores the raw event idempotently with a group commit and
 * answers only after the commit. Must never call delivery, Salesforce or the mapping rules: an
 * acknowledgement never waits for them.
 */
package io.paybridge.intake;
