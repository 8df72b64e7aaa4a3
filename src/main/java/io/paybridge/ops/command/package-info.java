/**
 * The executable's commands ({@code reprocess}, {@code backfill}) with picocli, for shells and
 * Kubernetes Jobs. Thin: parses arguments and calls the services of {@code io.paybridge.ops}.
 */
package io.paybridge.ops.command;
