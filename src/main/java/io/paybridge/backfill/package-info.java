/**
 * Backfill: lists an account's events from the Stripe Events API and stores those Paybridge never
 * received, through intake's storing path, for the {@code backfill} command and the sweep. Never
 * calls delivery or Salesforce.
 */
package io.paybridge.backfill;
