package io.paybridge.intake;

import static io.paybridge.testing.Webhooks.ACME_SECRET;
import static io.paybridge.testing.Webhooks.DEFAULT_PREVIOUS_SECRET;
import static io.paybridge.testing.Webhooks.DEFAULT_SECRET;
import static io.paybridge.testing.Webhooks.post;
import static io.paybridge.testing.Webhooks.postSigned;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paybridge.testing.StripeFixtures;
import io.paybridge.testing.StripeSigner;
import io.paybridge.testing.TestPorts;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestDatabase.StoredEvent;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Section 1 of the spec, row by row, against the running application and a real PostgreSQL.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class WebhookTest {

    private static final ObjectMapper JSON = new ObjectMapper();


    @Test
    void storesASignedEventByteForByteAndAnswersAccepted() throws Exception {
        byte[] body = StripeFixtures.bytes("invoice.paid");
        String id = StripeFixtures.eventId(body);
        TestDatabase.delete("default", id);

        postSigned(body)
                .statusCode(200)
                .contentType("application/json")
                .body("id", equalTo(id))
                .body("status", equalTo("accepted"));

        StoredEvent stored = TestDatabase.find("default", id).orElseThrow();
        assertThat(stored.payload()).isEqualTo(body);
        JsonNode event = JSON.readTree(body);
        assertThat(stored.type()).isEqualTo("invoice.paid");
        assertThat(stored.apiVersion()).isEqualTo(event.get("api_version").asText());
        assertThat(stored.created()).isEqualTo(event.get("created").asLong());
        assertThat(stored.objectId()).isEqualTo(event.at("/data/object/id").asText());
        assertThat(stored.objectType()).isEqualTo("invoice");
        assertThat(stored.objectStatus()).isEqualTo("paid");
        assertThat(stored.livemode()).isFalse();
        assertThat(stored.status()).isEqualTo("pending");
        assertThat(stored.attempts()).isZero();
    }

    @Test
    void answersARedeliveryAsADuplicateAndKeepsTheFirstCopy() {
        byte[] first = StripeFixtures.withUniqueId(StripeFixtures.bytes("charge.succeeded"));
        String id = StripeFixtures.eventId(first);
        // Stripe re-signs a retry with a new timestamp; the body is the same event.
        byte[] redelivery = (new String(first, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8);

        postSigned(first).statusCode(200).body("status", equalTo("accepted"));
        post("/webhooks/stripe", redelivery, StripeSigner.header(DEFAULT_SECRET, redelivery, Instant.now().getEpochSecond() + 1))
                .statusCode(200)
                .body("id", equalTo(id))
                .body("status", equalTo("duplicate"));

        assertThat(TestDatabase.count("default", id)).isOne();
        assertThat(TestDatabase.find("default", id).orElseThrow().payload()).isEqualTo(first);
    }

    @Test
    void keepsTheSameEventIdOfTwoAccountsApart() {
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.bytes("payout.paid"));
        String id = StripeFixtures.eventId(body);

        postSigned(body).statusCode(200).body("status", equalTo("accepted"));
        post("/webhooks/stripe/acme", body, StripeSigner.header(ACME_SECRET, body))
                .statusCode(200)
                .body("status", equalTo("accepted"));

        assertThat(TestDatabase.find("acme", id)).isPresent();
        assertThat(TestDatabase.find("default", id)).isPresent();
    }

    @Test
    void refusesAnAccountSignatureOnAnotherAccountsPath() {
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.bytes("payout.paid"));

        post("/webhooks/stripe/acme", body, StripeSigner.header(DEFAULT_SECRET, body))
                .statusCode(400)
                .body("error", equalTo("signature_mismatch"));

        assertThat(TestDatabase.find("acme", StripeFixtures.eventId(body))).isEmpty();
    }

    @Test
    void acceptsEverySecretOfTheAccountDuringRotation() {
        byte[] oldSecret = StripeFixtures.withUniqueId(StripeFixtures.bytes("invoice.created"));
        byte[] bothSignatures = StripeFixtures.withUniqueId(StripeFixtures.bytes("invoice.created"));
        long now = Instant.now().getEpochSecond();
        String rotationHeader = "t=" + now + ",v1=" + StripeSigner.v1("whsec_retired", bothSignatures, now)
                + ",v1=" + StripeSigner.v1(DEFAULT_SECRET, bothSignatures, now);

        post("/webhooks/stripe", oldSecret, StripeSigner.header(DEFAULT_PREVIOUS_SECRET, oldSecret))
                .statusCode(200).body("status", equalTo("accepted"));
        post("/webhooks/stripe", bothSignatures, rotationHeader)
                .statusCode(200).body("status", equalTo("accepted"));
    }

    static Stream<Arguments> badSignatures() {
        long now = Instant.now().getEpochSecond();
        return Stream.of(
                Arguments.of("no header", null, "missing_signature"),
                Arguments.of("empty header", "", "malformed_signature"),
                Arguments.of("blank header", "   ", "malformed_signature"),
                Arguments.of("garbage header", "this is not a signature", "malformed_signature"),
                Arguments.of("t=abc", "t=abc,v1=" + "0".repeat(64), "malformed_signature"),
                Arguments.of("no t", "v1=" + "0".repeat(64), "malformed_signature"),
                Arguments.of("only v0", "t=" + now + ",v0=" + "0".repeat(64), "malformed_signature"),
                Arguments.of("wrong secret", "WRONG_SECRET", "signature_mismatch"),
                Arguments.of("old timestamp", "OLD", "timestamp_out_of_tolerance"),
                Arguments.of("future timestamp", "FUTURE", "timestamp_out_of_tolerance"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSignatures")
    void refusesABadSignatureWithItsReasonAndStoresNothing(String name, String header, String code) {
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.bytes("invoice.paid"));
        long now = Instant.now().getEpochSecond();
        String signature = switch (String.valueOf(header)) {
            case "WRONG_SECRET" -> StripeSigner.header("whsec_not_ours", body, now);
            case "OLD" -> StripeSigner.header(DEFAULT_SECRET, body, now - 600);
            case "FUTURE" -> StripeSigner.header(DEFAULT_SECRET, body, now + 600);
            default -> header;
        };

        post("/webhooks/stripe", body, signature)
                .statusCode(400)
                .contentType("application/json")
                .body("error", equalTo(code))
                .body("message", not(containsString(DEFAULT_SECRET)));

        assertThat(TestDatabase.find("default", StripeFixtures.eventId(body))).isEmpty();
    }

    static Stream<Arguments> badPayloads() {
        return Stream.of(
                Arguments.of("not JSON", "<html>hello</html>"),
                Arguments.of("JSON array", "[1,2,3]"),
                Arguments.of("no id", "{\"type\":\"invoice.paid\",\"created\":1795428101}"),
                Arguments.of("no type", "{\"id\":\"evt_no_type\",\"created\":1795428101}"),
                Arguments.of("numeric id", "{\"id\":12,\"type\":\"invoice.paid\"}"),
                Arguments.of("truncated", "{\"id\":\"evt_truncated\",\"type\":\"invoice.paid\""),
                Arguments.of("empty", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPayloads")
    void refusesASignedBodyThatIsNotAnEvent(String name, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);

        postSigned(body)
                .statusCode(400)
                .body("error", equalTo("invalid_payload"))
                .body("message", not(containsString(json.isEmpty() ? "\u0001" : json)));

        // These bodies have no id of their own to look up: nothing stored carries them. (A count of
        // the whole table would also see other tests' applications storing and purging meanwhile.)
        assertThat(TestDatabase.scalarCount("SELECT count(*) FROM stripe_event WHERE payload = '\\x"
                + HexFormat.of().formatHex(body) + "'::bytea")).isZero();
    }

    @Test
    void refusesAnUnknownAccount() {
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.bytes("invoice.paid"));

        post("/webhooks/stripe/nobody", body, StripeSigner.header(DEFAULT_SECRET, body))
                .statusCode(404)
                .body("error", equalTo("unknown_account"));

        assertThat(TestDatabase.find("nobody", StripeFixtures.eventId(body))).isEmpty();
    }

    @Test
    void refusesABodyOverTheLimitAndStoresNothing() {
        byte[] body = oversizedEvent();

        postSigned(body)
                .statusCode(413)
                .body("error", equalTo("payload_too_large"));

        assertThat(TestDatabase.find("default", StripeFixtures.eventId(body))).isEmpty();
    }

    @Test
    void refusesAChunkedBodyOverTheLimitWhileReadingIt() throws Exception {
        byte[] body = oversizedEvent();
        // An input stream of unknown length is sent chunked, without Content-Length.
        HttpRequest request = HttpRequest.newBuilder(endpoint("/webhooks/stripe"))
                .header("Stripe-Signature", StripeSigner.header(DEFAULT_SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();

        HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo("payload_too_large");
        assertThat(TestDatabase.find("default", StripeFixtures.eventId(body))).isEmpty();
    }

    @Test
    void aSenderStillWritingAnOversizedBodyReadsThe413() throws Exception {
        // More than the socket buffers hold: without a lingering close, the connection is reset under
        // the sender's writes and it never reads the answer.
        byte[] body = new byte[8 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) 'x');

        try (java.net.Socket socket = rawConnection()) {
            socket.getOutputStream().write(rawHead(body));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();

            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(response).startsWith("HTTP/1.1 413").contains("\"error\":\"payload_too_large\"");
        }
    }

    @Test
    void cutsOffASenderThatStallsMidBody() throws Exception {
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.bytes("invoice.paid"));

        try (java.net.Socket socket = rawConnection()) {
            socket.getOutputStream().write(rawHead(body));
            socket.getOutputStream().write(body, 0, body.length / 2);
            socket.getOutputStream().flush();

            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(response).startsWith("HTTP/1.1 408").contains("\"error\":\"request_timeout\"");
        }
        assertThat(TestDatabase.find("default", StripeFixtures.eventId(body))).isEmpty();
    }

    @Test
    void acceptsABodyJustUnderTheLimit() {
        String padding = " ".repeat(1024 * 1024 - 200);
        byte[] body = ("{\"id\":\"evt_test_" + System.nanoTime() + "\",\"type\":\"ping\"" + padding + "}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(body.length).isLessThanOrEqualTo(1024 * 1024);

        postSigned(body).statusCode(200).body("status", equalTo("accepted"));
    }

    @Test
    void refusesOtherMethods() {
        given().when().get("/webhooks/stripe").then()
                .statusCode(405)
                .body("error", equalTo("method_not_allowed"));
    }

    @Test
    void answersAnyOtherPathWithAJsonNotFound() {
        given().when().get("/").then()
                .statusCode(404)
                .contentType("application/json")
                .body("error", equalTo("not_found"))
                .body("message", containsString("POST /webhooks/stripe"));
        given().contentType("application/json").body("{}").when().post("/webhooks/stripe/default/extra").then()
                .statusCode(404)
                .body("error", equalTo("not_found"));
    }

    static List<Path> fixturesOfBothApiVersions() {
        return StripeFixtures.allEvents();
    }

    @ParameterizedTest
    @MethodSource("fixturesOfBothApiVersions")
    void acceptsEveryFixtureOfBothApiVersions(Path fixture) throws Exception {
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.read(fixture));
        String id = StripeFixtures.eventId(body);
        JsonNode event = JSON.readTree(body);

        postSigned(body).statusCode(200).body("status", equalTo("accepted"));

        StoredEvent stored = TestDatabase.find("default", id).orElseThrow();
        assertThat(stored.payload()).isEqualTo(body);
        assertThat(stored.type()).isEqualTo(event.get("type").asText());
        assertThat(stored.apiVersion()).isEqualTo(event.get("api_version").asText());
        assertThat(stored.objectId()).isEqualTo(event.at("/data/object/id").asText());
        assertThat(stored.objectType()).isEqualTo(event.at("/data/object/object").asText());
    }

    @Test
    void storesOneRowWhenTheSameEventArrivesFiftyTimesAtOnce() throws Exception {
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.bytes("invoice.payment_succeeded"));
        String id = StripeFixtures.eventId(body);
        HttpClient client = client();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            HttpRequest request = HttpRequest.newBuilder(endpoint("/webhooks/stripe"))
                    .header("Stripe-Signature", StripeSigner.header(DEFAULT_SECRET, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            answers.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }

        List<String> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get();
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode json = JSON.readTree(response.body());
            assertThat(json.get("id").asText()).isEqualTo(id);
            statuses.add(json.get("status").asText());
        }

        assertThat(statuses).containsOnly("accepted", "duplicate");
        assertThat(statuses).filteredOn("accepted"::equals).hasSize(1);
        assertThat(TestDatabase.count("default", id)).isOne();
    }

    @Test
    void countsEveryRequestByAccountAndOutcome() {
        double acceptedBefore = counter("default", "accepted");
        double mismatchBefore = counter("acme", "signature_mismatch");
        double unknownBefore = counter("unknown", "unknown_account");
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.bytes("invoice.paid"));

        postSigned(body).statusCode(200);
        post("/webhooks/stripe/acme", body, StripeSigner.header("whsec_wrong", body)).statusCode(400);
        post("/webhooks/stripe/scanner-" + System.nanoTime(), body, null).statusCode(404);

        assertThat(counter("default", "accepted")).isEqualTo(acceptedBefore + 1);
        assertThat(counter("acme", "signature_mismatch")).isEqualTo(mismatchBefore + 1);
        assertThat(counter("unknown", "unknown_account")).isEqualTo(unknownBefore + 1);
        assertThat(metrics()).contains("paybridge_webhook_ack_seconds_bucket", "paybridge_webhook_ack_seconds_count");
    }

    @Test
    void measuresTheGroupCommitOfAStoredWebhook() {
        double batchesBefore = sample("paybridge_intake_batch_size_count");
        double eventsBefore = sample("paybridge_intake_batch_size_sum");
        double queuedBefore = sample("paybridge_intake_queue_seconds_count");
        double commitsBefore = sample("paybridge_intake_commit_seconds_count");

        postSigned(StripeFixtures.withUniqueId(StripeFixtures.bytes("invoice.paid"))).statusCode(200);

        // Other tests' webhooks may share the insert, so "at least" rather than "exactly".
        assertThat(sample("paybridge_intake_batch_size_count")).isGreaterThanOrEqualTo(batchesBefore + 1);
        assertThat(sample("paybridge_intake_batch_size_sum")).isGreaterThanOrEqualTo(eventsBefore + 1);
        assertThat(sample("paybridge_intake_queue_seconds_count")).isGreaterThanOrEqualTo(queuedBefore + 1);
        assertThat(sample("paybridge_intake_commit_seconds_count")).isGreaterThanOrEqualTo(commitsBefore + 1);
        assertThat(metrics()).contains(
                "paybridge_intake_batch_size_bucket{le=",
                "paybridge_intake_queue_seconds_bucket{le=",
                "paybridge_intake_commit_seconds_bucket{le=",
                "paybridge_intake_commit_seconds_max",
                "paybridge_intake_queued_events ");
    }

    @Test
    void isReadyWhileTheDatabaseIsReachable() {
        given().baseUri(TestPorts.managementUrl()).when().get("health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"));
        given().baseUri(TestPorts.managementUrl()).when().get("health/live").then()
                .statusCode(200);
    }

    @Test
    void servesNothingButWebhooksOnThePublicPort() {
        given().when().get("/q/metrics").then().statusCode(404);
        given().when().get("/q/health/ready").then().statusCode(404);
    }

    private double counter(String account, String outcome) {
        String prefix = "paybridge_webhook_requests_total{account=\"" + account + "\",outcome=\"" + outcome + "\"} ";
        return metrics().lines()
                .filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(prefix.length()).trim()))
                .findFirst()
                .orElse(0);
    }

    /** The value of an unlabelled series, 0 when it is not there yet. */
    private double sample(String name) {
        String prefix = name + " ";
        return metrics().lines()
                .filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(prefix.length()).trim()))
                .findFirst()
                .orElse(0);
    }

    private String metrics() {
        return given().baseUri(TestPorts.managementUrl()).when().get("metrics").then()
                .statusCode(200)
                .extract().asString();
    }

    /** A connection for requests an HTTP client would not send: stalled, or written on regardless. */
    private static java.net.Socket rawConnection() throws IOException {
        java.net.Socket socket = new java.net.Socket(URI.create(RestAssured.baseURI).getHost(), RestAssured.port);
        // Past the read timeout of the test profile (2 s) and the lingering close (2 s), but a hang
        // fails here rather than in CI's limit.
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** The head of a signed POST of the body to the default account's endpoint. */
    private static byte[] rawHead(byte[] body) {
        return ("POST /webhooks/stripe HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Stripe-Signature: " + StripeSigner.header(DEFAULT_SECRET, body) + "\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] oversizedEvent() {
        String padding = "x".repeat(1024 * 1024);
        return ("{\"id\":\"evt_test_" + System.nanoTime() + "\",\"type\":\"ping\",\"padding\":\"" + padding + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static URI endpoint(String path) {
        return URI.create(RestAssured.baseURI + ":" + RestAssured.port + path);
    }

    private static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }
}
