package io.paybridge.command;

import java.time.Instant;

import io.paybridge.admin.EventFilter;
import io.paybridge.admin.InvalidRequestException;
import io.paybridge.admin.TimeArgument;
import io.paybridge.event.EventStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters for the commands' typed options, with the admin API's own refusal messages
 * (a {@link Refused}, which {@link CommandFailures} prints as {@code <command>: <message>}, exit 2).
 */
final class ArgumentConverters {

    private ArgumentConverters() {
    }

    /** A value the operator can correct; the message says how, and quotes what they typed. */
    static final class Refused extends TypeConversionException {
        Refused(InvalidRequestException invalid, String text) {
            super(invalid.getMessage() + "; got '" + TimeArgument.abbreviate(text) + "'");
        }
    }

    /** {@code pending}, {@code dead}...: as stored and as the admin API takes them. */
    @RegisterForReflection
    public static final class Status implements ITypeConverter<EventStatus> {
        @Override
        public EventStatus convert(String text) {
            try {
                return EventFilter.status(text);
            } catch (InvalidRequestException invalid) {
                throw new Refused(invalid, text);
            }
        }
    }

    /**
     * A time as {@link TimeArgument} reads it, ages counted back from the moment of parsing. The
     * name is the one the refusal gives the option.
     */
    abstract static class Time implements ITypeConverter<Instant> {
        private final String name;

        Time(String name) {
            this.name = name;
        }

        @Override
        public Instant convert(String text) {
            try {
                return TimeArgument.parse(name, text, Instant.now());
            } catch (InvalidRequestException invalid) {
                throw new Refused(invalid, text);
            }
        }
    }

    /** {@code reprocess --since}: named as the admin API's filter, which it is. */
    @RegisterForReflection
    public static final class FilterSince extends Time {
        public FilterSince() {
            super("since");
        }
    }

    /** {@code reprocess --until}. */
    @RegisterForReflection
    public static final class FilterUntil extends Time {
        public FilterUntil() {
            super("until");
        }
    }

    /** {@code backfill --since}. */
    @RegisterForReflection
    public static final class BackfillSince extends Time {
        public BackfillSince() {
            super("--since");
        }
    }
}
