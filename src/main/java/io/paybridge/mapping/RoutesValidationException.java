package io.paybridge.mapping;

/**
 * A routes file Paybridge will not start with; the message names the file, the route and the
 * problem.
 */
public class RoutesValidationException extends RuntimeException {

    public RoutesValidationException(String message) {
        super(message);
    }

    public RoutesValidationException(String message, Throwable cause) {
        super(message, cause);
    }
}
