package io.paybridge.admin;

/**
 * An admin request or command whose arguments cannot be used; the message says which and why, and
 * is shown to the caller as is. It names the parameter and what it takes, never the value that was
 * sent: an error body does not echo the request (an operator pastes what they have, card numbers
 * included). The commands add the value back on the operator's own terminal.
 */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        super(message, null, false, false);
    }
}
