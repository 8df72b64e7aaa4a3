package io.paybridge.mapping;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a Stripe value becomes a Salesforce field value.
 */
public enum Conversion {
    TEXT, AMOUNT, CURRENCY, NUMBER, BOOLEAN, DATETIME, DATE;

    private static final Set<String> ZERO_DECIMAL = Set.of("BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
            "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF");
    private static final Set<String> THREE_DECIMAL = Set.of("BHD", "JOD", "KWD", "OMR", "TND");

    static Conversion named(String name) {
        for (Conversion conversion : values()) {
            if (conversion.name().toLowerCase(Locale.ROOT).equals(name)) {
                return conversion;
            }
        }
        return null;
    }

    /**
     * @param value    a present, non-null value
     * @param currency the currency of an amount, or null
     * @return a JSON-ready value: String, BigDecimal, Long or Boolean
     * @throws UnmappableEventException when the value has the wrong shape for this conversion
     */
    Object apply(JsonNode value, String currency, String field) {
        return switch (this) {
            case TEXT -> text(value, field);
            case CURRENCY -> text(value, field).toUpperCase(Locale.ROOT);
            case AMOUNT -> amount(whole(value, field), currency, field);
            case NUMBER -> whole(value, field);
            case BOOLEAN -> {
                if (!value.isBoolean()) {
                    throw new UnmappableEventException(field + " is not a boolean");
                }
                yield value.booleanValue();
            }
            case DATETIME -> unixTime(value, field).toString();
            case DATE -> LocalDate.ofInstant(unixTime(value, field), ZoneOffset.UTC).toString();
        };
    }

    private static String text(JsonNode value, String field) {
        if (value.isValueNode()) {
            return value.asText();
        }
        // An expanded object stands for its id.
        if (value.isObject() && value.path("id").isTextual()) {
            return value.path("id").asText();
        }
        throw new UnmappableEventException(field + " is neither a value nor an object with an id");
    }

    /**
     * Unix seconds, whole as Stripe's objects have them, or with a fraction: a thin event's {@code created}
     * carries milliseconds (ThinEventFetcher), which Salesforce's date-times keep. Finer than milliseconds
     * is cut, as Salesforce would.
     */
    private static Instant unixTime(JsonNode value, String field) {
        if (value.canConvertToExactIntegral() && value.canConvertToLong()) {
            return Instant.ofEpochSecond(value.longValue());
        }
        if (!value.isNumber()) {
            throw new UnmappableEventException(field + " is not a Unix time");
        }
        try {
            return Instant.ofEpochMilli(value.decimalValue().movePointRight(3).setScale(0, RoundingMode.FLOOR).longValueExact());
        } catch (ArithmeticException | DateTimeException outOfRange) {
            throw new UnmappableEventException(field + " is not a Unix time");
        }
    }

    private static long whole(JsonNode value, String field) {
        if (!value.canConvertToExactIntegral() || !value.canConvertToLong()) {
            throw new UnmappableEventException(field + " is not a whole number");
        }
        return value.longValue();
    }

    static BigDecimal amount(long minorUnits, String currency, String field) {
        if (currency == null) {
            throw new UnmappableEventException(field + " is an amount without a currency");
        }
        int exponent = exponent(currency.toUpperCase(Locale.ROOT));
        return BigDecimal.valueOf(minorUnits).movePointLeft(exponent).setScale(exponent);
    }

    static int exponent(String currency) {
        if (ZERO_DECIMAL.contains(currency)) {
            return 0;
        }
        return THREE_DECIMAL.contains(currency) ? 3 : 2;
    }
}
