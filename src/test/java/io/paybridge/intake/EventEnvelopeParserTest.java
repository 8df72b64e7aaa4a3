package io.paybridge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paybridge.testing.StripeFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventEnvelopeParserTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-23T10:00:00Z");
    /** The payment intent of the fixtures' charge and invoice payment (fixtures' _ids.json). */
    private static final String FIXTURE_PAYMENT_INTENT = "pi_3TQk6cR2hXk9LmQa1F9gJk2M";
    private static final String FIXTURE_INVOICE = "in_1TQk5bR2hXk9LmQaHq2W8sKd";

    private final EventEnvelopeParser parser = new EventEnvelopeParser();

    static java.util.List<Path> fixtures() {
        return StripeFixtures.allEvents();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void readsTheEnvelopeOfEveryFixtureOfBothApiVersions(Path fixture) throws Exception {
        byte[] body = StripeFixtures.read(fixture);
        JsonNode tree = new ObjectMapper().readTree(body);

        EventEnvelope envelope = parser.parse(body, RECEIVED);

        assertThat(envelope.id()).isEqualTo(tree.get("id").asText()).startsWith("evt_");
        assertThat(envelope.type()).isEqualTo(tree.get("type").asText());
        assertThat(envelope.created()).isEqualTo(Instant.ofEpochSecond(tree.get("created").asLong()));
        assertThat(envelope.apiVersion()).isEqualTo(tree.get("api_version").asText());
        assertThat(envelope.livemode()).isEqualTo(tree.get("livemode").asBoolean());
        JsonNode object = tree.at("/data/object");
        assertThat(envelope.objectId()).isEqualTo(object.get("id").asText());
        assertThat(envelope.objectType()).isEqualTo(object.get("object").asText());
        assertThat(envelope.objectStatus()).isEqualTo(object.hasNonNull("status") ? object.get("status").asText() : null);
    }

    @Test
    void readsTheConnectAccountAndIgnoresNestedFieldsOfTheSameName() {
        String json = """
                {"id":"evt_1","type":"payout.paid","created":1795424400,"account":"acct_123","livemode":true,
                 "data":{"object":{"id":"po_1","object":"payout","status":"paid",
                         "metadata":{"id":"not_this","status":"nor_this"}},"previous_attributes":{"status":"in_transit"}},
                 "request":{"id":"req_1"}}""";

        EventEnvelope envelope = parser.parse(bytes(json), RECEIVED);

        assertThat(envelope).isEqualTo(new EventEnvelope("evt_1", "payout.paid", Instant.ofEpochSecond(1795424400),
                null, true, "acct_123", "po_1", "payout", "paid", null));
    }

    @Test
    void namesThePaymentIntentAChargeOrAnInvoicePaymentBelongsTo() {
        assertThat(parser.parse(StripeFixtures.bytes("charge.succeeded"), RECEIVED).paymentIntentId())
                .isEqualTo(FIXTURE_PAYMENT_INTENT);
        assertThat(parser.parse(StripeFixtures.bytes("invoice_payment.paid"), RECEIVED).paymentIntentId())
                .isEqualTo(FIXTURE_PAYMENT_INTENT);
        assertThat(parser.parse(StripeFixtures.bytes("payment_intent.succeeded"), RECEIVED).paymentIntentId())
                .as("a payment intent is its own payment").isNull();
        assertThat(parser.parse(StripeFixtures.bytes("payout.paid"), RECEIVED).paymentIntentId()).isNull();
    }

    @Test
    void namesTheInvoiceAnInvoicePaymentPaid() {
        assertThat(parser.parse(StripeFixtures.bytes("invoice_payment.paid"), RECEIVED).paidInvoiceId())
                .isEqualTo(FIXTURE_INVOICE);
        assertThat(parser.parse(StripeFixtures.bytes("invoice.paid"), RECEIVED).paidInvoiceId())
                .as("an invoice is not a payment of one").isNull();
        String withoutPaymentIntent = """
                {"id":"evt_1","type":"invoice_payment.paid","created":1795424400,
                 "data":{"object":{"id":"inpay_1","object":"invoice_payment","invoice":"in_1","payment":{"type":"charge"}}}}""";
        assertThat(parser.parse(bytes(withoutPaymentIntent), RECEIVED).paidInvoiceId())
                .as("nothing to join the invoice to").isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "\"\"", "42", "{\"id\":\"pi_1\"}", "\"pi 1\"", "\"pi_\\u0000\""})
    void takesAnEventWhosePaymentIntentIsNotAnIdAndGroupsItByItsObject(String paymentIntent) {
        String json = """
                {"id":"evt_1","type":"charge.succeeded","created":1795424400,
                 "data":{"object":{"id":"ch_1","object":"charge","payment_intent":%s,"status":"succeeded"}}}""".formatted(paymentIntent);

        EventEnvelope envelope = parser.parse(bytes(json), RECEIVED);

        assertThat(envelope.objectId()).isEqualTo("ch_1");
        assertThat(envelope.paymentIntentId()).isNull();
    }

    @Test
    void usesTheReceiptTimeWhenTheEventHasNoCreationTime() {
        EventEnvelope envelope = parser.parse(bytes("{\"id\":\"evt_1\",\"type\":\"ping\"}"), RECEIVED);

        assertThat(envelope.created()).isEqualTo(RECEIVED);
        assertThat(envelope.objectId()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "not json", "[]", "[{\"id\":\"evt_1\",\"type\":\"x\"}]", "\"evt_1\"", "null", "42",
            "{\"id\":\"evt_1\",\"type\":\"x\"", "{\"id\":\"evt_1\",\"type\":\"x\"} trailing",
            "{\"id\":\"evt_1\",\"type\":\"x\"}{}",
            "{\"type\":\"invoice.paid\"}", "{\"id\":\"evt_1\"}", "{\"id\":42,\"type\":\"invoice.paid\"}",
            "{\"id\":\"evt_1\",\"type\":null}", "{\"id\":\"\",\"type\":\"x\"}", "{\"id\":\"evt_1\",\"type\":[]}",
            "{\"id\":\"evt_\\u0000\",\"type\":\"x\"}", "{\"id\":\"evt_1\",\"type\":\"x\",\"created\":-1}",
            "{\"id\":\"evt_1\",\"type\":\"x\",\"created\":99999999999999}",
            "{\"id\":\"evt_1\",\"type\":\"x\",\"created\":1e400}" })
    void refusesWhatIsNotAnEventObject(String json) {
        assertInvalid(bytes(json));
    }

    /**
     * A lone surrogate escape is valid JSON but not Unicode: PostgreSQL stored it as {@code ?}, so
     * two events differing only there had one id, and the second was answered "duplicate" and lost.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":\"evt_\\ud800x\",\"type\":\"x\"}", "{\"id\":\"evt_1\",\"type\":\"invoice.\\udfff\"}",
            "{\"id\":\"evt_1\",\"type\":\"x\",\"data\":{\"object\":{\"id\":\"in_\\ud800\",\"object\":\"invoice\"}}}",
            "{\"id\":\"evt_\\udc00\\ud800\",\"type\":\"x\"}" })
    void refusesTextThatIsNotUnicode(String json) {
        assertInvalid(bytes(json));
    }

    @Test
    void keepsCharactersOutsideTheBasicPlane() {
        EventEnvelope envelope = parser.parse(bytes("{\"id\":\"evt_\\ud83d\\ude00\",\"type\":\"x\"}"), RECEIVED);

        assertThat(envelope.id()).isEqualTo("evt_\uD83D\uDE00");
    }

    @Test
    void refusesOverlongIdentifiers() {
        assertInvalid(bytes("{\"id\":\"evt_" + "x".repeat(300) + "\",\"type\":\"x\"}"));
    }

    @Test
    void refusesDeeplyNestedJson() {
        String deep = "{\"id\":\"evt_1\",\"type\":\"x\",\"data\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";

        assertInvalid(bytes(deep));
    }

    @Test
    void refusesMalformedUtf8() {
        byte[] body = bytes("{\"id\":\"evt_1\",\"type\":\"x\",\"note\":\"..\"}");
        body[body.length - 4] = (byte) 0xC3;
        body[body.length - 3] = (byte) 0x28;

        assertInvalid(body);
    }

    private void assertInvalid(byte[] body) {
        assertThatThrownBy(() -> parser.parse(body, RECEIVED))
                .isInstanceOfSatisfying(IntakeRejection.class,
                        rejection -> assertThat(rejection.error()).isEqualTo(IntakeError.INVALID_PAYLOAD));
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
