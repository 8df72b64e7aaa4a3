package io.paybridge.intake;

import static io.paybridge.testing.Webhooks.DEFAULT_SECRET;
import static io.paybridge.testing.Webhooks.post;
import static io.paybridge.testing.Webhooks.postSigned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.containsString;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paybridge.testing.StripeFixtures;
import io.paybridge.testing.StripeSigner;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thin events (Stripe event destinations) at the webhook endpoints: stored byte for byte with what
 * delivery needs to fetch their object, answered like snapshot events, refused when they do not
 * name their object.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class ThinWebhookTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = { "v1.invoice.paid", "v1.payment_intent.succeeded", "v1.payout.paid", "v1.payout.paid.connect" })
    void eachThinFixtureIsStoredByteForByteWithItsObject(String fixture) throws Exception {
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.thin(fixture));
        String id = StripeFixtures.eventId(body);
        JsonNode event = JSON.readTree(body);

        postSigned(body)
                .statusCode(200)
                .contentType("application/json")
                .body("id", equalTo(id))
                .body("status", equalTo("accepted"));

        Thin stored = thin("default", id).orElseThrow();
        assertThat(stored.payload()).isEqualTo(body);
        assertThat(stored.thin()).isTrue();
        assertThat(stored.type()).isEqualTo(event.path("type").asText());
        assertThat(stored.type()).startsWith("v1.");
        // Milliseconds kept: they order thin events within a second.
        assertThat(stored.created()).isEqualTo(Instant.parse(event.path("created").asText()));
        assertThat(stored.created().toEpochMilli() % 1000).isNotZero();
        assertThat(stored.objectId()).isEqualTo(event.at("/related_object/id").asText());
        assertThat(stored.objectType()).isEqualTo(event.at("/related_object/type").asText());
        assertThat(stored.relatedUrl()).isEqualTo(event.at("/related_object/url").asText());
        assertThat(stored.connectAccount()).isEqualTo(event.path("context").asText(null));
        assertThat(stored.livemode()).isFalse();
        assertThat(stored.status()).isEqualTo("pending");
    }

    @Test
    void aRedeliveredThinEventIsADuplicate() {
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.thin("v1.invoice.paid"));
        String id = StripeFixtures.eventId(body);

        postSigned(body).statusCode(200).body("status", equalTo("accepted"));
        postSigned(body).statusCode(200).body("id", equalTo(id)).body("status", equalTo("duplicate"));

        assertThat(TestDatabase.count("default", id)).isEqualTo(1);
    }

    @Test
    void aThinEventIsStoredForANamedAccountWithItsSecret() {
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.thin("v1.payout.paid"));

        post("/webhooks/stripe/acme", body, StripeSigner.header("whsec_acme_test", body))
                .statusCode(200).body("status", equalTo("accepted"));

        assertThat(thin("acme", StripeFixtures.eventId(body))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = { "id", "type", "url" })
    void aThinEventWithoutItsRelatedObjectFieldIsInvalid(String field) {
        assertInvalid(event -> ((ObjectNode) event.path("related_object")).remove(field), "related_object." + field);
        assertInvalid(event -> ((ObjectNode) event.path("related_object")).put(field, 42), "related_object." + field);
        assertInvalid(event -> ((ObjectNode) event.path("related_object")).putNull(field), "related_object." + field);
    }

    @Test
    void aThinEventWithoutRelatedObjectOrWithAForeignUrlIsInvalid() {
        assertInvalid(event -> ((ObjectNode) event).remove("related_object"), "related_object.id");
        assertInvalid(event -> ((ObjectNode) event).put("related_object", "in_1"), "related_object.id");
        for (String url : List.of("https://evil.example/v1/invoices/in_1", "//evil.example/v1/invoices/in_1",
                "/v1/invoices/../../x", "/v1/invoices/in_1?expand=x", "v1/invoices/in_1")) {
            assertInvalid(event -> ((ObjectNode) event.path("related_object")).put("url", url), "not a Stripe API path");
        }
    }

    @Test
    void aThinEventWithASnapshotStyleCreatedIsInvalid() {
        assertInvalid(event -> ((ObjectNode) event).put("created", 1795428101L), "ISO-8601");
        assertInvalid(event -> ((ObjectNode) event).put("created", "yesterday"), "ISO-8601");
    }

    @Test
    void aThinEventWithABadSignatureIsRefusedAndNotStored() {
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.thin("v1.invoice.paid"));

        post("/webhooks/stripe", body, StripeSigner.header("whsec_not_the_secret", body))
                .statusCode(400)
                .body("error", equalTo("signature_mismatch"));

        assertThat(TestDatabase.count("default", StripeFixtures.eventId(body))).isZero();
    }

    private static void assertInvalid(Consumer<JsonNode> change, String messagePart) {
        byte[] body = changed(StripeFixtures.withUniqueId(StripeFixtures.thin("v1.invoice.paid")), change);

        post("/webhooks/stripe", body, StripeSigner.header(DEFAULT_SECRET, body))
                .statusCode(400)
                .contentType("application/json")
                .body("error", equalTo("invalid_payload"))
                .body("message", containsString(messagePart));

        assertThat(TestDatabase.count("default", StripeFixtures.eventId(body))).isZero();
    }

    private static byte[] changed(byte[] body, Consumer<JsonNode> change) {
        try {
            JsonNode event = JSON.readTree(body);
            change.accept(event);
            return JSON.writeValueAsBytes(event);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Thin> thin(String account, String eventId) {
        return TestDatabase.findRow("""
                SELECT type, created, livemode, connect_account, object_id, object_type, thin, related_url,
                       payload, status
                  FROM stripe_event WHERE account = ? AND event_id = ?""",
                row -> new Thin(row.getString(1), row.getObject(2, java.time.OffsetDateTime.class).toInstant(),
                        row.getBoolean(3), row.getString(4), row.getString(5), row.getString(6), row.getBoolean(7),
                        row.getString(8), row.getBytes(9), row.getString(10)),
                account, eventId);
    }

    private record Thin(String type, Instant created, boolean livemode, String connectAccount, String objectId,
            String objectType, boolean thin, String relatedUrl, byte[] payload, String status) {
    }
}
