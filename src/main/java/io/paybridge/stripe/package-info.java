/**
 * The Stripe API as Paybridge calls it: the objects thin events name (fetched for delivery) and
 * the metrics and configuration of every Stripe call. Speaks HTTP to Stripe through stripe-java;
 * must never reach the database, delivery or intake.
 */
package io.paybridge.stripe;
