/**
 * How this process runs: serving (webhooks, delivery, sweeps) or one command and exit. Depends on
 * no other Paybridge package, so that every package may ask it.
 */
package io.paybridge.app;
