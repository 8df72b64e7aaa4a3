package io.paybridge.admin;

/**
 * An admin request or command whose arguments cannot be used; the message says which and why, and
 * is shown to the caller as is.
 */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        super(message, null, false, false);
    }
}
