package io.paybridge.salesforce;

/**
 * A Collections call that wrote nothing, classified by what the pipeline should do about it.
 */
public class SalesforceException extends RuntimeException {

    public enum Kind {
        /** 5xx, a gateway's HTML page, a timeout, a lost connection, the token endpoint failing, a
         *  call-level lock: retry with backoff, spending an attempt. */
        TRANSIENT,
        /** 403 REQUEST_LIMIT_EXCEEDED: pause delivery, spend no attempt. */
        LIMIT_EXCEEDED,
        /** The circuit breaker is open: no call was made, spend no attempt. */
        CIRCUIT_OPEN,
        /** Salesforce refused the request as such (4xx other than the above): the records are dead. */
        REJECTED
    }

    private final Kind kind;
    private final String errorCode;

    public SalesforceException(Kind kind, String errorCode, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.errorCode = errorCode;
    }

    public SalesforceException(Kind kind, String errorCode, String message) {
        this(kind, errorCode, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** Salesforce's errorCode, an HTTP status, or a short name of the failure. */
    public String errorCode() {
        return errorCode;
    }
}
