package io.paybridge.admin;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A page of the listing, newest first.
 *
 * @param next the {@code after} cursor of the next page, or null on the last page
 */
@RegisterForReflection
public record EventPage(List<EventSummary> events, String next) {
}
