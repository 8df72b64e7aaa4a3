package io.paybridge.intake;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import io.paybridge.testing.StripeFixtures;
import io.paybridge.testing.StripeSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StripeSignatureVerifierTest {

    private static final String CURRENT = "whsec_current";
    private static final String PREVIOUS = "whsec_previous";
    private static final long NOW = 1_795_428_200L;

    private final StripeSignatureVerifier verifier = new StripeSignatureVerifier(Duration.ofMinutes(5));
    private final byte[] body = StripeFixtures.bytes("invoice.paid");

    @Test
    void acceptsStripesOwnSignature() throws Exception {
        String header = Webhook.Signature.generateSignatureHeader(
                new String(body, StandardCharsets.UTF_8), CURRENT, NOW);

        assertThatCode(() -> verifier.verify(body, header, keys(CURRENT), NOW)).doesNotThrowAnyException();
    }

    @Test
    void acceptsAnySecretOfTheAccountWhileRotating() {
        String signedWithPrevious = StripeSigner.header(PREVIOUS, body, NOW);

        assertThatCode(() -> verifier.verify(body, signedWithPrevious, keys(CURRENT, PREVIOUS), NOW))
                .doesNotThrowAnyException();
    }

    @Test
    void acceptsAHeaderCarryingOneSignaturePerSecret() {
        String header = "t=" + NOW + ",v1=" + StripeSigner.v1("whsec_retired", body, NOW)
                + ",v1=" + StripeSigner.v1(CURRENT, body, NOW);

        assertThatCode(() -> verifier.verify(body, header, keys(CURRENT), NOW)).doesNotThrowAnyException();
    }

    @Test
    void ignoresTheTestOnlyV0SchemeBesideAValidV1() {
        String header = StripeSigner.header(CURRENT, body, NOW) + ",v0=" + "ab".repeat(32);

        assertThatCode(() -> verifier.verify(body, header, keys(CURRENT), NOW)).doesNotThrowAnyException();
    }

    @Test
    void refusesAMissingHeader() {
        assertRejected(null, IntakeError.MISSING_SIGNATURE);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "  " })
    void refusesAnEmptyHeaderAsMalformed(String header) {
        assertRejected(header, IntakeError.MALFORMED_SIGNATURE);
    }

    @ParameterizedTest
    @ValueSource(strings = { "garbage", "v1=abc", "t=abc,v1=abc", "t=,v1=abc", "t=1.5,v1=abc", "t=+5,v1=abc",
            "t=1e9,v1=abc", "t=1795428200", "t=1795428200,v0=abc", "t=1795428200,v2=abc" })
    void refusesAMalformedHeader(String header) {
        assertRejected(header, IntakeError.MALFORMED_SIGNATURE);
    }

    /** Only a {@code t} that is not an integer makes a header malformed (SPEC 1); any integer is a time. */
    @ParameterizedTest
    @ValueSource(strings = { "-5", "0", "99999999999999999999", "-99999999999999999999" })
    void takesAnyIntegerAsATimeAndRefusesOneOutOfTolerance(String timestamp) {
        String header = "t=" + timestamp + ",v1=" + StripeSigner.v1(CURRENT, body, timestamp);

        assertRejected(header, IntakeError.TIMESTAMP_OUT_OF_TOLERANCE);
        assertRejected("t=" + timestamp + ",v1=" + "0".repeat(64), IntakeError.SIGNATURE_MISMATCH);
    }

    @Test
    void signsTheTimestampAsTheHeaderWritesIt() {
        String padded = "000" + NOW;
        String header = "t=" + padded + ",v1=" + StripeSigner.v1(CURRENT, body, padded);

        assertThatCode(() -> verifier.verify(body, header, keys(CURRENT), NOW)).doesNotThrowAnyException();
    }

    @Test
    void refusesASignatureMadeWithAnotherSecret() {
        assertRejected(StripeSigner.header("whsec_someone_else", body, NOW), IntakeError.SIGNATURE_MISMATCH);
    }

    @Test
    void refusesASignatureOverOtherBytes() {
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("12500", "12501")
                .getBytes(StandardCharsets.UTF_8);
        String header = StripeSigner.header(CURRENT, tampered, NOW);

        assertRejected(header, IntakeError.SIGNATURE_MISMATCH);
    }

    @Test
    void refusesASignatureBoundToAnotherTimestamp() {
        String header = "t=" + NOW + ",v1=" + StripeSigner.v1(CURRENT, body, NOW - 1);

        assertRejected(header, IntakeError.SIGNATURE_MISMATCH);
    }

    @ParameterizedTest
    @ValueSource(strings = { "not-hex-at-all", "zz", "" })
    void treatsAV1ThatIsNotHexAsAMismatch(String v1) {
        assertRejected("t=" + NOW + ",v1=" + v1, IntakeError.SIGNATURE_MISMATCH);
    }

    @Test
    void refusesTimestampsOutsideTheToleranceInBothDirections() {
        assertThatCode(() -> verifier.verify(body, StripeSigner.header(CURRENT, body, NOW - 300), keys(CURRENT), NOW))
                .doesNotThrowAnyException();
        assertThatCode(() -> verifier.verify(body, StripeSigner.header(CURRENT, body, NOW + 300), keys(CURRENT), NOW))
                .doesNotThrowAnyException();

        assertRejected(StripeSigner.header(CURRENT, body, NOW - 301), IntakeError.TIMESTAMP_OUT_OF_TOLERANCE);
        assertRejected(StripeSigner.header(CURRENT, body, NOW + 301), IntakeError.TIMESTAMP_OUT_OF_TOLERANCE);
    }

    @Test
    void agreesWithStripeJavaOnPastTimestamps() {
        String stale = StripeSigner.header(CURRENT, body, NOW - 301);
        String payload = new String(body, StandardCharsets.UTF_8);

        assertThatThrownBy(() -> Webhook.Signature.verifyHeader(payload, stale, CURRENT, 300,
                java.time.Clock.fixed(java.time.Instant.ofEpochSecond(NOW), java.time.ZoneOffset.UTC)))
                .isInstanceOf(SignatureVerificationException.class);
        assertRejected(stale, IntakeError.TIMESTAMP_OUT_OF_TOLERANCE);
    }

    @Test
    void refusesEverythingWhenTheAccountHasNoSecret() {
        assertThatThrownBy(() -> verifier.verify(body, StripeSigner.header(CURRENT, body, NOW), List.of(), NOW))
                .isInstanceOfSatisfying(IntakeRejection.class,
                        rejection -> org.assertj.core.api.Assertions.assertThat(rejection.error())
                                .isEqualTo(IntakeError.SIGNATURE_MISMATCH));
    }

    @Test
    void refusesAZeroTolerance() {
        assertThatThrownBy(() -> new StripeSignatureVerifier(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private void assertRejected(String header, IntakeError expected) {
        assertThatThrownBy(() -> verifier.verify(body, header, keys(CURRENT, PREVIOUS), NOW))
                .isInstanceOfSatisfying(IntakeRejection.class,
                        rejection -> org.assertj.core.api.Assertions.assertThat(rejection.error()).isEqualTo(expected));
    }

    private static List<byte[]> keys(String... secrets) {
        return java.util.Arrays.stream(secrets).map(secret -> secret.getBytes(StandardCharsets.UTF_8)).toList();
    }
}
