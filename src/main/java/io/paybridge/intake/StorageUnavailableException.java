package io.paybridge.intake;

/**
 * The database could not take an event in time. The sender is told to retry; nothing about the
 * event is known to be stored.
 */
public class StorageUnavailableException extends RuntimeException {

    public StorageUnavailableException(String message) {
        super(message);
    }

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
