package io.paybridge.stripe;

/**
 * What fetching one Stripe object came to.
 *
 * @param kind   whether the object came, and if not whether to try again
 * @param body   the object as Stripe answered it, byte for byte (only when {@link Kind#FETCHED})
 * @param error  why it did not come (otherwise)
 */
public record StripeFetch(Kind kind, byte[] body, String error) {

    public enum Kind {
        /** The object's current state. */
        FETCHED,
        /** Worth trying again later: 429, 5xx, a timeout, a lost connection. */
        RETRY,
        /** Will not come by trying again: 404 (the object is gone), another 4xx, no API key. */
        FAILED
    }

    public static StripeFetch fetched(byte[] body) {
        return new StripeFetch(Kind.FETCHED, body, null);
    }

    public static StripeFetch retry(String error) {
        return new StripeFetch(Kind.RETRY, null, error);
    }

    public static StripeFetch failed(String error) {
        return new StripeFetch(Kind.FAILED, null, error);
    }
}
