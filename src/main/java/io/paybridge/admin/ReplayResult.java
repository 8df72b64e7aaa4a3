package io.paybridge.admin;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a replay did.
 *
 * @param matched  events the filters match
 * @param replayed events put back to {@code pending} with their attempts reset; 0 on a dry run, and
 *                 fewer than {@code matched} when some were being delivered at that moment
 */
@RegisterForReflection
public record ReplayResult(long matched, long replayed) {
}
