/**
 * Retention: purges delivered and skipped events older than {@code paybridge.retention.done} in
 * small batches; pending, retrying and dead events are never purged. Database only.
 */
package io.paybridge.retention;
