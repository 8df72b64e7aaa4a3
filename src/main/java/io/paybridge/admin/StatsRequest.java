package io.paybridge.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of {@code GET /admin/stats}, checked: a window of at most {@link #MAX_BUCKETS}
 * buckets of at least a minute, so that one call stays one cheap group-by.
 *
 * @param account only this account's events, when present
 * @param since   inclusive start of the window (of {@code created})
 * @param until   exclusive end of the window
 * @param bucket  the width of a bucket
 */
public record StatsRequest(Optional<String> account, Instant since, Instant until, Duration bucket) {

    static final int MAX_BUCKETS = 1000;
    private static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
    private static final Duration DEFAULT_BUCKET = Duration.ofHours(1);
    private static final Duration MIN_BUCKET = Duration.ofMinutes(1);
    private static final Pattern WIDTH = Pattern.compile("(\\d{1,7})([smhd])");

    /**
     * Parses the query's text forms: {@code since} and {@code until} as the listing takes them
     * (defaults: the last 24 hours), {@code bucket} as {@code 60s}, {@code 15m}, {@code 1h} or {@code 1d}
     * (default {@code 1h}).
     *
     * @throws InvalidRequestException with a message the caller can act on
     */
    public static StatsRequest parse(String account, String since, String until, String bucket, Instant now) {
        Instant end = blank(until) ? now : TimeArgument.parse("until", until, now);
        Instant start = blank(since) ? end.minus(DEFAULT_WINDOW) : TimeArgument.parse("since", since, now);
        if (!start.isBefore(end)) {
            throw new InvalidRequestException("since must be before until");
        }
        Duration width = blank(bucket) ? DEFAULT_BUCKET : width(bucket.trim());
        if (width.compareTo(MIN_BUCKET) < 0) {
            throw new InvalidRequestException("bucket must be at least 60s");
        }
        long buckets = (Duration.between(start, end).toSeconds() + width.toSeconds() - 1) / width.toSeconds();
        if (buckets > MAX_BUCKETS) {
            throw new InvalidRequestException("since..until / bucket gives " + buckets + " buckets; at most "
                    + MAX_BUCKETS + ": choose a wider bucket or a shorter window");
        }
        return new StatsRequest(blank(account) ? Optional.empty() : Optional.of(account.trim()), start, end, width);
    }

    /** How many buckets the window holds, the last one possibly cut short by {@code until}. */
    public int bucketCount() {
        long seconds = Duration.between(since, until).toSeconds();
        return (int) ((seconds + bucket.toSeconds() - 1) / bucket.toSeconds());
    }

    private static Duration width(String text) {
        Matcher matcher = WIDTH.matcher(text.toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new InvalidRequestException("bucket must be a width such as 60s, 15m, 1h or 1d");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
