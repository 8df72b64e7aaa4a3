package io.paybridge.reconcile;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.paybridge.backfill.EventListing;
import io.paybridge.mapping.Route;
import io.paybridge.mapping.Routes;

/**
 * The type filters of a full listing: only the event types some route takes. An event no route
 * takes would be stored only to be skipped, and listing it costs calls (on an account where a
 * fifth of the events are {@code customer.*} or {@code payment_method.*}, a fifth of the full
 * listing's). Stripe filters one listing by one group ({@code invoice.*}) or by up to 20 exact
 * types, not both: one listing per group and one per 20 exact types, in as few as that allows.
 * A route that takes every type ({@code *}) means one listing without a filter.
 */
final class RoutedTypes {

    private static final String EVERY_TYPE = "*";
    private static final String GROUP = ".*";

    private RoutedTypes() {
    }

    /** @return one entry per listing: the types it asks for, empty for every type */
    static List<List<String>> listings(Routes routes) {
        TreeSet<String> patterns = new TreeSet<>();
        for (Route route : routes.routes()) {
            patterns.addAll(route.events());
        }
        if (patterns.contains(EVERY_TYPE)) {
            return List.of(List.of());
        }
        List<String> groups = patterns.stream()
                .filter(pattern -> pattern.endsWith(GROUP))
                .filter(group -> patterns.stream().noneMatch(other -> !other.equals(group) && other.endsWith(GROUP) && covers(other, group)))
                .toList();
        List<String> exact = patterns.stream()
                .filter(pattern -> !pattern.endsWith(GROUP))
                .filter(type -> groups.stream().noneMatch(group -> covers(group, type)))
                .toList();
        List<List<String>> listings = new ArrayList<>();
        groups.forEach(group -> listings.add(List.of(group)));
        for (int from = 0; from < exact.size(); from += EventListing.MAX_TYPES) {
            listings.add(exact.subList(from, Math.min(exact.size(), from + EventListing.MAX_TYPES)));
        }
        return listings;
    }

    /** Whether the group {@code invoice.*} takes {@code pattern} ({@code invoice.paid}, {@code invoice.payment.*}). */
    private static boolean covers(String group, String pattern) {
        return pattern.startsWith(group.substring(0, group.length() - 1));
    }
}
