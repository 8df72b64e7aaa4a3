package io.paybridge.ops;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time as operators type it: an ISO-8601 instant ({@code 2026-11-20T08:00:00Z}), a date
 * (midnight UTC), or an age ({@code 72h}, {@code 30m}, {@code 7d}, {@code PT2H}) counted back from now.
 */
public final class TimeArgument {

    private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhd])");

    private TimeArgument() {
    }

    /**
     * @throws InvalidRequestException naming {@code name} when the text is none of the accepted forms
     */
    public static Instant parse(String name, String text, Instant now) {
        String value = text.trim();
        Matcher age = AGE.matcher(value.toLowerCase(Locale.ROOT));
        try {
            if (age.matches()) {
                long amount = Long.parseLong(age.group(1));
                return now.minus(switch (age.group(2)) {
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                });
            }
            if (value.startsWith("P") || value.startsWith("p")) {
                return now.minus(Duration.parse(value));
            }
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeException | ArithmeticException e) {
            throw new InvalidRequestException(name + " must be an ISO-8601 time such as 2026-11-20T08:00:00Z, "
                    + "a date such as 2026-11-20, or an age such as 72h, 30m or 7d; got '" + abbreviate(value) + "'");
        }
    }

    static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
