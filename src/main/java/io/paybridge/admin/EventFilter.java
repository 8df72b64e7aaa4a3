package io.paybridge.admin;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.paybridge.event.EventStatus;

/**
 * Which stored events an operator means: the filters shared by the admin API's listing and replay
 * and by the {@code reprocess} command. Every part is optional; an absent part does not filter.
 *
 * @param typeGlob an event type where {@code *} stands for any text, such as {@code invoice.*}
 * @param since    inclusive lower bound of the event's {@code created}
 * @param until    exclusive upper bound of the event's {@code created}
 */
public record EventFilter(
        Optional<String> account,
        List<String> ids,
        Optional<EventStatus> status,
        Optional<String> typeGlob,
        Optional<Instant> since,
        Optional<Instant> until) {

    private static final Pattern GLOB = Pattern.compile("[a-z0-9_.*]{1,100}");
    private static final int MAX_IDS = 1000;

    public EventFilter {
        ids = List.copyOf(ids);
        if (ids.size() > MAX_IDS) {
            throw new InvalidRequestException("at most " + MAX_IDS + " ids at once; use other filters for more");
        }
        if (since.isPresent() && until.isPresent() && !since.get().isBefore(until.get())) {
            throw new InvalidRequestException("since must be before until");
        }
        if (account.filter(EventFilter::hasNul).isPresent() || ids.stream().anyMatch(EventFilter::hasNul)) {
            throw new InvalidRequestException("account and ids cannot contain a NUL character");
        }
    }

    /**
     * Text PostgreSQL cannot hold, so no stored event carries it (intake refuses it): asking for it
     * is a mistake to name, not a database failure.
     */
    static boolean hasNul(String text) {
        return text.indexOf('\u0000') >= 0;
    }

    /**
     * Parses the operator's text forms, with the errors a caller can act on.
     */
    public static EventFilter parse(String account, List<String> ids, String status, String type, String since,
            String until, Instant now) {
        return of(account, ids,
                blankToEmpty(status).map(EventFilter::status).orElse(null),
                type,
                blankToEmpty(since).map(text -> TimeArgument.parse("since", text, now)).orElse(null),
                blankToEmpty(until).map(text -> TimeArgument.parse("until", text, now)).orElse(null));
    }

    /**
     * From parts already typed (the {@code reprocess} command's options); text parts are checked as
     * in {@link #parse}. Null or blank parts do not filter.
     */
    public static EventFilter of(String account, List<String> ids, EventStatus status, String type, Instant since,
            Instant until) {
        return new EventFilter(
                blankToEmpty(account),
                ids == null ? List.of() : ids.stream().filter(id -> id != null && !id.isBlank()).map(String::trim).toList(),
                Optional.ofNullable(status),
                blankToEmpty(type).map(EventFilter::glob),
                Optional.ofNullable(since),
                Optional.ofNullable(until));
    }

    /** True when nothing filters: every stored event matches. */
    public boolean matchesEverything() {
        return account.isEmpty() && ids.isEmpty() && status.isEmpty() && typeGlob.isEmpty() && since.isEmpty()
                && until.isEmpty();
    }

    /** The filter as an operator wrote it, for logs: only the parts given. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        account.ifPresent(value -> text.append(" account=").append(value));
        if (!ids.isEmpty()) {
            text.append(" ids=").append(ids.size() <= 5 ? String.join(",", ids) : ids.size() + " ids");
        }
        status.ifPresent(value -> text.append(" status=").append(value.value()));
        typeGlob.ifPresent(value -> text.append(" type=").append(value));
        since.ifPresent(value -> text.append(" since=").append(value));
        until.ifPresent(value -> text.append(" until=").append(value));
        return text.isEmpty() ? "all events" : text.substring(1);
    }

    /** The type glob as a SQL {@code LIKE} pattern; the glob's characters leave nothing to escape but {@code _}. */
    Optional<String> typeLikePattern() {
        return typeGlob.map(glob -> glob.replace("_", "\\_").replace('*', '%'));
    }

    /**
     * @throws InvalidRequestException naming the statuses when the text is none of them
     */
    public static EventStatus status(String text) {
        try {
            return EventStatus.of(text.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("status must be one of pending, retrying, delivered, skipped, dead");
        }
    }

    private static String glob(String text) {
        String glob = text.trim();
        if (!GLOB.matcher(glob).matches()) {
            throw new InvalidRequestException("type must be an event type or a glob such as invoice.* "
                    + "(lower-case letters, digits, '_', '.', '*')");
        }
        return glob;
    }

    private static Optional<String> blankToEmpty(String text) {
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(text.trim());
    }
}
