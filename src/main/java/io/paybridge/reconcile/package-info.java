/**
 * Reconciliation: the scheduled sweep that asks the Stripe Events API for the events Paybridge lacks
 * and stores them as backfill does, one replica at a time (a lease row). Uses the backfill's
 * listing and storing; must never call delivery or Salesforce.
 */
package io.paybridge.reconcile;
