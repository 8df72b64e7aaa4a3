package io.paybridge.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.stripe.net.Webhook;

/**
 * Signs payloads the way Stripe does, with stripe-java itself, so the tests check Paybridge against
 * Stripe's own implementation rather than against a copy of Paybridge's.
 */
public final class StripeSigner {

    private StripeSigner() {
    }

    public static String header(String secret, byte[] payload) {
        return header(secret, payload, Instant.now().getEpochSecond());
    }

    public static String header(String secret, byte[] payload, long timestamp) {
        return "t=" + timestamp + ",v1=" + v1(secret, payload, timestamp);
    }

    public static String v1(String secret, byte[] payload, long timestamp) {
        return v1(secret, payload, Long.toString(timestamp));
    }

    /** For a header whose {@code t} is written in a way of its own (padded, negative, huge). */
    public static String v1(String secret, byte[] payload, String timestamp) {
        try {
            return Webhook.Util.computeHmacSha256(secret,
                    timestamp + "." + new String(payload, StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
