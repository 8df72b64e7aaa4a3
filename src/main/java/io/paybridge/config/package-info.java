/**
 * Paybridge's configuration checked as it is read: every mapping's bounds (their static
 * {@code check} methods), so that a value out of bounds stops the start before anything runs. Depends
 * on the mappings of the other packages; none depends on it.
 */
package io.paybridge.config;
