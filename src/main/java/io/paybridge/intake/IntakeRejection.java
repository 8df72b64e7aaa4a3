package io.paybridge.intake;

/**
 * A webhook refused for a reason the sender can act on. The message goes into the response body,
 * so it never carries a secret or an echo of the request.
 */
public class IntakeRejection extends RuntimeException {

    private final IntakeError error;

    public IntakeRejection(IntakeError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public IntakeRejection(IntakeError error, String message, Throwable cause) {
        super(message, cause, false, false);
        this.error = error;
    }

    public IntakeError error() {
        return error;
    }
}
