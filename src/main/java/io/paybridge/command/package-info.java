/**
 * The executable's commands ({@code reprocess}, {@code backfill}) with picocli, for shells and
 * Kubernetes Jobs. Thin: parses arguments and calls the admin and backfill services.
 */
package io.paybridge.command;
