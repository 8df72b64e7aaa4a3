package io.paybridge.event;

import java.util.Locale;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * Where a stored event is on its way to Salesforce. Stored in lower case, as operators read and
 * filter it.
 */
public enum EventStatus {
    /** Stored, not yet attempted. */
    PENDING,
    /** Attempted and failed for now; due again at its next attempt time. */
    RETRYING,
    /** Every Salesforce record it maps to shows it. */
    DELIVERED,
    /** Nothing to deliver: no route, or newer events already delivered for its records. */
    SKIPPED,
    /** Refused by Salesforce for good, or out of attempts: needs an operator. */
    DEAD;

    /** Whether delivery is over for it (nothing left to do but an operator's replay). */
    public boolean done() {
        return this == DELIVERED || this == SKIPPED || this == DEAD;
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EventStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    @Converter(autoApply = true)
    public static class Column implements AttributeConverter<EventStatus, String> {
        @Override
        public String convertToDatabaseColumn(EventStatus status) {
            return status == null ? null : status.value();
        }

        @Override
        public EventStatus convertToEntityAttribute(String value) {
            return value == null ? null : of(value);
        }
    }
}
