package io.paybridge.intake;

/**
 * Why a webhook was refused: the {@code error} code of the response body, its HTTP status and the
 * {@code outcome} label of {@code paybridge_webhook_requests_total}.
 */
public enum IntakeError {

    MISSING_SIGNATURE(400, "missing_signature"),
    MALFORMED_SIGNATURE(400, "malformed_signature"),
    SIGNATURE_MISMATCH(400, "signature_mismatch"),
    TIMESTAMP_OUT_OF_TOLERANCE(400, "timestamp_out_of_tolerance"),
    INVALID_PAYLOAD(400, "invalid_payload"),
    UNKNOWN_ACCOUNT(404, "unknown_account"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    REQUEST_TIMEOUT(408, "request_timeout"),
    PAYLOAD_TOO_LARGE(413, "payload_too_large"),
    STORAGE_UNAVAILABLE(503, "storage_unavailable");

    private final int status;
    private final String code;

    IntakeError(int status, String code) {
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
