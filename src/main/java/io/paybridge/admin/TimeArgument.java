package io.paybridge.admin;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Pattern;

import io.quarkus.runtime.configuration.DurationConverter;

/**
 * A point in time as operators type it: an ISO-8601 instant ({@code 2026-11-20T08:00:00Z}), a date
 * (midnight UTC), or an age ({@code 72h}, {@code 30m}, {@code 7d}, {@code PT2H}) counted back from now.
 */
public final class TimeArgument {

    private static final Pattern AGE = Pattern.compile("\\d{1,9}[smhdSMHD]|[pP]\\S+");

    private TimeArgument() {
    }

    /**
     * @throws InvalidRequestException naming {@code name} when the text is none of the accepted forms
     */
    public static Instant parse(String name, String text, Instant now) {
        String value = text.trim();
        try {
            if (AGE.matcher(value).matches()) {
                // The duration syntax of Quarkus configuration: 72h, 30m, 7d, PT2H.
                String duration = value.startsWith("p") || value.startsWith("P")
                        ? value.toUpperCase(Locale.ROOT) : value.toLowerCase(Locale.ROOT);
                return now.minus(DurationConverter.parseDuration(duration));
            }
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeException | ArithmeticException | IllegalArgumentException e) {
            throw new InvalidRequestException(name + " must be an ISO-8601 time such as 2026-11-20T08:00:00Z, "
                    + "a date such as 2026-11-20, or an age such as 72h, 30m or 7d");
        }
    }

    /** A name or value short enough to quote in a message. */
    public static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
