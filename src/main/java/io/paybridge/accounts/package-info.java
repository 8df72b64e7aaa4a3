/**
 * Stripe accounts as configured ({@code paybridge.accounts.<name>.*}): webhook secrets and API keys.
 * Configuration only: no database, no HTTP.
 */
package io.paybridge.accounts;
