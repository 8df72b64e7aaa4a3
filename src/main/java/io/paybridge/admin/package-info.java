/**
 * The admin API on the management port: the events list and detail, replay, stats. Reads and
 * resets stored events; never calls Salesforce or Stripe (a replay puts events back for delivery).
 */
package io.paybridge.admin;
