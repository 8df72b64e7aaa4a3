package io.paybridge.mapping;

/**
 * A stored event the routes cannot read: not JSON, no {@code data.object}, or a value of the wrong
 * shape. The message names the field, never its value or the payload.
 */
public class UnmappableEventException extends RuntimeException {

    public UnmappableEventException(String message) {
        super(message);
    }
}
