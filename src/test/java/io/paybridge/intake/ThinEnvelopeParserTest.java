package io.paybridge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.paybridge.testing.StripeFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The envelope of thin events ({@code "object":"v2.core.event"}), read in the same single pass. */
class ThinEnvelopeParserTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-29T10:00:00Z");
    private final EventEnvelopeParser parser = new EventEnvelopeParser();

    @Test
    void readsAThinEventOfAConnectedAccount() {
        EventEnvelope envelope = parser.parse(StripeFixtures.thin("v1.payout.paid.connect"), RECEIVED);

        assertThat(envelope).isEqualTo(new EventEnvelope("evt_test_65TQk18R2hXk9LmQa4Cn2Pd1zH5xW2yNd4pSt", "v1.payout.paid",
                Instant.parse("2026-11-24T12:00:00.512Z"), null, false, "acct_1TQk0aR2hXk9LmQa",
                "po_1TQkDdR2hXk9LmQaCo9eFg0H", "payout", null, null, null, true, "/v1/payouts/po_1TQkDdR2hXk9LmQaCo9eFg0H"));
    }

    @Test
    void readsTheFieldsInAnyOrderAndIgnoresTheReason() {
        String json = """
                {"related_object":{"url":"/v1/invoices/in_1","type":"invoice","id":"in_1"},
                 "reason":{"type":"request","request":{"id":"req_1","idempotency_key":null}},
                 "created":"2026-11-23T10:01:41.214Z","type":"v1.invoice.paid","livemode":true,
                 "id":"evt_test_1","object":"v2.core.event"}""";

        EventEnvelope envelope = parser.parse(json.getBytes(StandardCharsets.UTF_8), RECEIVED);

        assertThat(envelope.thin()).isTrue();
        assertThat(envelope.created().toEpochMilli()).isEqualTo(Instant.parse("2026-11-23T10:01:41.214Z").toEpochMilli());
        assertThat(envelope.objectId()).isEqualTo("in_1");
        assertThat(envelope.relatedUrl()).isEqualTo("/v1/invoices/in_1");
        assertThat(envelope.livemode()).isTrue();
        assertThat(envelope.connectAccount()).isNull();
    }

    @Test
    void aSnapshotEventIsNotThin() {
        EventEnvelope envelope = parser.parse(StripeFixtures.bytes("invoice.paid"), RECEIVED);

        assertThat(envelope.thin()).isFalse();
        assertThat(envelope.relatedUrl()).isNull();
    }

    @Test
    void aSnapshotEventWithAnIsoCreatedIsStillInvalid() {
        String json = """
                {"id":"evt_1","object":"event","type":"invoice.paid","created":"2026-11-23T10:01:41.214Z"}""";

        assertThatThrownBy(() -> parser.parse(json.getBytes(StandardCharsets.UTF_8), RECEIVED))
                .isInstanceOfSatisfying(IntakeRejection.class,
                        rejection -> assertThat(rejection.error()).isEqualTo(IntakeError.INVALID_PAYLOAD));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":\"in_1\",\"type\":\"invoice\"}",
            "{\"id\":\"in_1\",\"url\":\"/v1/invoices/in_1\"}",
            "{\"type\":\"invoice\",\"url\":\"/v1/invoices/in_1\"}",
            "{\"id\":\"in_1\",\"type\":\"invoice\",\"url\":\"/v1/invoices/in_1#x\"}",
            "{\"id\":\"in_1\",\"type\":\"invoice\",\"url\":\"/v1/invoices/%2e%2e/in_1\"}",
            "{\"id\":\"in_1\",\"type\":\"invoice\",\"url\":[\"/v1/invoices/in_1\"]}",
            "null" })
    void aThinEventThatDoesNotNameItsObjectIsInvalid(String relatedObject) {
        String json = """
                {"id":"evt_test_1","object":"v2.core.event","type":"v1.invoice.paid",
                 "created":"2026-11-23T10:01:41.214Z","related_object":%s}""".formatted(relatedObject);

        assertThatThrownBy(() -> parser.parse(json.getBytes(StandardCharsets.UTF_8), RECEIVED))
                .isInstanceOfSatisfying(IntakeRejection.class,
                        rejection -> assertThat(rejection.error()).isEqualTo(IntakeError.INVALID_PAYLOAD));
    }
}
