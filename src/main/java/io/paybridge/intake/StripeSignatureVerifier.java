package io.paybridge.intake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a {@code Stripe-Signature} header the way Stripe specifies it: HMAC-SHA256 over
 * {@code <t>.<raw body>}, hex encoded, any {@code v1} matching any of the account's secrets.
 *
 * <p>stripe-java's {@code Webhook.Signature} works on a decoded {@code String} and only refuses
 * timestamps from the past; this one signs the raw bytes and refuses both directions. The tests use
 * stripe-java to sign requests and check that both agree.
 */
public final class StripeSignatureVerifier {

    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();
    private static final int SIGNATURE_BYTES = 32;
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
    /** Longer than this, a {@code t} is no time of this era, and might not fit in a long. */
    private static final int MAX_TIMESTAMP_DIGITS = 18;

    private final long toleranceSeconds;

    public StripeSignatureVerifier(Duration tolerance) {
        if (tolerance.isZero() || tolerance.isNegative()) {
            throw new IllegalArgumentException("the signature tolerance must be positive");
        }
        this.toleranceSeconds = tolerance.toSeconds();
    }

    /**
     * @throws IntakeRejection with the reason, when the header does not prove the body came from
     *         Stripe within the tolerance
     */
    public void verify(byte[] body, String header, List<byte[]> secretKeys, long nowEpochSeconds) {
        ParsedHeader parsed = parse(header);
        if (!anyMatches(body, parsed, secretKeys)) {
            throw new IntakeRejection(IntakeError.SIGNATURE_MISMATCH,
                    "No v1 signature matches the payload with any secret of this account");
        }
        if (!parsed.within(nowEpochSeconds, toleranceSeconds)) {
            throw new IntakeRejection(IntakeError.TIMESTAMP_OUT_OF_TOLERANCE,
                    "The signature timestamp is more than " + toleranceSeconds + "s away from the server's clock");
        }
    }

    static ParsedHeader parse(String header) {
        if (header == null) {
            throw new IntakeRejection(IntakeError.MISSING_SIGNATURE, "The Stripe-Signature header is missing");
        }
        // Present but empty is a header that a sender got wrong, not one it left out (SPEC 1).
        if (header.isBlank()) {
            throw new IntakeRejection(IntakeError.MALFORMED_SIGNATURE, "The Stripe-Signature header is empty");
        }
        String timestamp = null;
        List<String> signatures = new ArrayList<>(2);
        for (String element : header.split(",")) {
            int equals = element.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String key = element.substring(0, equals).trim();
            String value = element.substring(equals + 1).trim();
            if (key.equals("t") && timestamp == null) {
                timestamp = value;
            } else if (key.equals("v1")) {
                signatures.add(value);
            }
        }
        if (timestamp == null) {
            throw new IntakeRejection(IntakeError.MALFORMED_SIGNATURE, "The Stripe-Signature header has no timestamp (t=)");
        }
        if (signatures.isEmpty()) {
            throw new IntakeRejection(IntakeError.MALFORMED_SIGNATURE, "The Stripe-Signature header has no v1 signature");
        }
        if (!INTEGER.matcher(timestamp).matches()) {
            throw new IntakeRejection(IntakeError.MALFORMED_SIGNATURE,
                    "The Stripe-Signature timestamp (t=) is not an integer");
        }
        return new ParsedHeader(timestamp, signatures);
    }

    private static boolean anyMatches(byte[] body, ParsedHeader header, List<byte[]> secretKeys) {
        List<byte[]> candidates = header.signatures().stream()
                .map(StripeSignatureVerifier::decodeOrNull)
                .filter(candidate -> candidate != null)
                .toList();
        if (candidates.isEmpty()) {
            return false;
        }
        // Stripe signs the timestamp as the header writes it.
        byte[] signedPrefix = (header.timestamp() + ".").getBytes(StandardCharsets.US_ASCII);
        boolean matched = false;
        // Every secret and every candidate is compared even after a match, so the time taken
        // does not tell which secret or which position matched.
        for (byte[] key : secretKeys) {
            byte[] expected = hmac(key, signedPrefix, body);
            for (byte[] candidate : candidates) {
                matched |= MessageDigest.isEqual(expected, candidate);
            }
        }
        return matched;
    }

    private static byte[] decodeOrNull(String hex) {
        if (hex.length() != SIGNATURE_BYTES * 2) {
            return null;
        }
        try {
            return HEX.parseHex(hex);
        } catch (IllegalArgumentException notHex) {
            return null;
        }
    }

    static byte[] hmac(byte[] key, byte[] signedPrefix, byte[] body) {
        Mac mac = MACS.get().computeIfAbsent(key, StripeSignatureVerifier::newMac);
        mac.update(signedPrefix);
        return mac.doFinal(body);
    }

    /**
     * A keyed Mac per thread and secret: looking one up and keying it costs more than signing a
     * webhook. doFinal leaves it keyed and reset for the next use. Keys are the account's own
     * arrays, so identity is enough and the map stays as small as the number of secrets.
     */
    private static final ThreadLocal<Map<byte[], Mac>> MACS = ThreadLocal.withInitial(IdentityHashMap::new);

    private static Mac newMac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** @param timestamp the {@code t} of the header, an integer of any size, as written */
    record ParsedHeader(String timestamp, List<String> signatures) {

        /**
         * An integer that is no Unix time of this era (negative, or beyond a long) is a timestamp
         * out of tolerance, not a malformed header: only a {@code t} that is not an integer is.
         */
        boolean within(long nowEpochSeconds, long toleranceSeconds) {
            if (timestamp.length() > MAX_TIMESTAMP_DIGITS) {
                return false;
            }
            long seconds = Long.parseLong(timestamp);
            return seconds >= nowEpochSeconds - toleranceSeconds && seconds <= nowEpochSeconds + toleranceSeconds;
        }
    }
}
