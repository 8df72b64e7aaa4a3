package io.paybridge.admin;

import static io.paybridge.testing.Deliveries.awaitStatus;
import static io.paybridge.testing.Deliveries.postDeadAndDelivered;
import static io.paybridge.testing.SObjects.PAYOUT;
import static io.paybridge.testing.Webhooks.postSigned;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.paybridge.testing.FakeSalesforce;
import io.paybridge.testing.InjectFakeSalesforce;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.paybridge.testing.StripeEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

/**
 * The admin API on the management port: listing with filters and pages, one event with its
 * records, and replays that end dead events delivered without letting an old event overwrite
 * newer Salesforce state. Other tests' events may share the database: each test's payouts end
 * with its {@link #tag}, and its listings and replays name its own events.
 */
@QuarkusTest
@TestProfile(AdminProfile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class AdminApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectFakeSalesforce
    FakeSalesforce salesforce;
    final String tag = StripeEvents.uniqueTag();


    @Test
    void refusesCallsWithoutTheToken() {
        given().baseUri(adminUrl()).get("events")
                .then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("error", equalTo("unauthorized"));
        given().baseUri(adminUrl()).header("Authorization", "Bearer wrong-token").post("replay")
                .then().statusCode(401);
        admin().get("events").then().statusCode(200);
    }

    @Test
    void listsNewestFirstWithFiltersAndPages() {
        List<String> own = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            postSigned(StripeEvents.payout("po_list_" + i + tag).created(1_700_000_000L + i).bytes()).statusCode(200);
            own.add("evt_po_list_" + i + tag);
        }
        awaitStatus("default", own.get(4), "delivered");

        List<String> seen = new ArrayList<>();
        String after = null;
        do {
            RequestSpecification page = admin().queryParam("id", own).queryParam("type", "payout.*").queryParam("limit", 2);
            if (after != null) {
                page.queryParam("after", after);
            }
            ValidatableResponse response = page.get("events").then().statusCode(200);
            seen.addAll(response.extract().jsonPath().getList("events.id", String.class));
            after = response.extract().jsonPath().getString("next");
        } while (after != null);

        assertThat(seen).containsExactly(own.get(4), own.get(3), own.get(2), own.get(1), own.get(0));
        admin().queryParam("id", own).queryParam("type", "invoice.*").get("events").then().statusCode(200).body("events", hasSize(0));
        admin().queryParam("id", own).queryParam("since", "2023-11-14T22:13:22Z").queryParam("until", "2023-11-14T22:13:24Z")
                .get("events")
                .then().statusCode(200)
                .body("events.id", equalTo(List.of(own.get(3), own.get(2))))
                .body("events[0].account", equalTo("default"))
                .body("events[0].status", equalTo("delivered"))
                .body("events[0].attempts", equalTo(1))
                .body("events[0].created", equalTo("2023-11-14T22:13:23Z"))
                .body("events[0].receivedAt", notNullValue())
                .body("events[0].lastError", nullValue())
                .body("next", nullValue());
        admin().queryParam("id", own).queryParam("status", "dead").queryParam("account", "default").get("events")
                .then().statusCode(200).body("events", hasSize(0));
        admin().queryParam("id", own).queryParam("status", "delivered").queryParam("account", "default").get("events")
                .then().statusCode(200).body("events", hasSize(5));
    }

    @Test
    void explainsWhatIsWrongWithAFilter() {
        admin().queryParam("status", "lost").get("events")
                .then().statusCode(400).body("error", equalTo("invalid_request")).body("message", containsString("status must be one of"));
        admin().queryParam("since", "yesterday").get("events")
                .then().statusCode(400).body("message", containsString("since must be an ISO-8601 time"));
        admin().queryParam("since", "2026-01-02T00:00:00Z").queryParam("until", "2026-01-01T00:00:00Z").get("events")
                .then().statusCode(400).body("message", containsString("since must be before until"));
        admin().queryParam("limit", "0").get("events").then().statusCode(400).body("message", containsString("limit"));
        admin().queryParam("limit", "ten").get("events").then().statusCode(400).body("message", containsString("limit"));
        admin().queryParam("after", "not-a-cursor").get("events").then().statusCode(400).body("message", containsString("after"));
        // PostgreSQL text cannot hold NUL: a request naming one is the caller's mistake, not the database's.
        String cursorWithNul = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("1700000000.0\ndefault\u0000\nevt_1".getBytes(StandardCharsets.UTF_8));
        admin().queryParam("after", cursorWithNul).get("events").then().statusCode(400).body("message", containsString("after"));
        admin().queryParam("account", "def\u0000ault").get("events").then().statusCode(400).body("message", containsString("NUL"));
        admin().queryParam("type", "Invoice.Paid'; drop").get("events").then().statusCode(400).body("message", containsString("type"));
        admin().get("nothing-here").then().statusCode(404).body("error", equalTo("not_found"));
        given().baseUri(TestPorts.managementUrl().replace("/q/", "/")).get("nothing-here").then().statusCode(404)
                .contentType("application/json").body("error", equalTo("not_found"));
        // A misspelt filter would otherwise list every event.
        admin().queryParam("stauts", "dead").get("events").then().statusCode(400).body("error", equalTo("invalid_request"))
                .body("message", containsString("unknown query parameter 'stauts'"))
                .body("message", containsString("account, id, status, type, since, until, limit, after"));
        admin().queryParam("buckets", "hour").get("stats").then().statusCode(400)
                .body("message", containsString("unknown query parameter 'buckets'"));
    }

    /**
     * A '%' that starts no escape is the caller's mistake, wherever it stands: never "the database
     * could not answer". Sent over a socket: HTTP clients refuse to send such a URL.
     */
    @Test
    void refusesAUrlItCannotDecodeAsTheCallersMistake() throws IOException {
        for (String request : List.of("GET /admin/events?since=%ZZ", "GET /admin/events?%ZZ=1", "GET /admin/stats?since=%ZZ",
                "GET /admin/events/%ZZ/evt_1", "POST /admin/reconcile?full=%ZZ", "GET /console/%ZZ")) {
            String answer = rawManagementCall(request);
            assertThat(answer).as(request)
                    .startsWith("HTTP/1.1 400 ")
                    .containsIgnoringCase("content-type: application/json")
                    .contains("\"error\":\"invalid_request\"")
                    .contains("cannot be");
        }
    }

    /** What a caller sent is not repeated back: an operator pastes what they have, card numbers included. */
    @Test
    void namesTheWrongParameterWithoutEchoingItsValue() {
        String card = "4111 1111 1111 1111";
        admin().queryParam("since", card).get("events").then().statusCode(400)
                .body("message", containsString("since must be an ISO-8601 time"))
                .body("message", not(containsString("4111")));
        admin().queryParam("status", card).get("events").then().statusCode(400)
                .body("message", containsString("status must be one of"))
                .body("message", not(containsString("4111")));
        replayRaw("{\"until\":\"" + card + "\",\"dryRun\":true}").statusCode(400)
                .body("message", containsString("until must be"))
                .body("message", not(containsString("4111")));
    }

    @Test
    void showsOneEventWithItsRecordsAndPayload() {
        String payout = "po_detail" + tag;
        postSigned(StripeEvents.payout(payout).created(1_700_000_100L).bytes()).statusCode(200);
        awaitStatus("default", "evt_" + payout, "delivered");

        admin().get("events/default/evt_" + payout).then().statusCode(200)
                .body("id", equalTo("evt_" + payout))
                .body("type", equalTo("payout.paid"))
                .body("status", equalTo("delivered"))
                .body("objectId", equalTo(payout))
                .body("objectType", equalTo("payout"))
                .body("nextAttemptAt", nullValue())
                .body("records", hasSize(1))
                .body("records[0].sobject", equalTo(PAYOUT))
                .body("records[0].externalIdField", equalTo("Stripe_Payout_Id__c"))
                .body("records[0].externalId", equalTo(payout))
                .body("records[0].salesforceId", equalTo(salesforce.salesforceId(PAYOUT, payout)))
                .body("payload.id", equalTo("evt_" + payout))
                .body("payload.data.object.id", equalTo(payout));
        admin().get("events/default/evt_unknown" + tag).then().statusCode(404).body("error", equalTo("not_found"));
        admin().get("events/nobody/evt_" + payout).then().statusCode(404);
        admin().urlEncodingEnabled(false).get("events/default/evt_%00" + payout).then().statusCode(404)
                .body("error", equalTo("not_found"));
    }

    @Test
    void replaysDeadEventsUntilTheyAreDelivered() {
        String dead = "po_dead" + tag;
        String delivered = "po_alive" + tag;
        salesforce.rejectRecord(PAYOUT, dead, "INVALID_FIELD", "No such column 'Arrival_Date__c' on sobject of type Stripe_Payout__c");
        postDeadAndDelivered(dead, delivered, 1_700_000_200L);
        admin().get("events/default/evt_" + dead).then().body("lastError", containsString("INVALID_FIELD"))
                .body("nextAttemptAt", nullValue())
                .body("records[0].salesforceId", nullValue());

        salesforce.acceptRecord(PAYOUT, dead);
        // Other tests' dead events may share the database: the replays name this test's two events,
        // and the status filter picks the dead one.
        List<String> own = List.of("evt_" + dead, "evt_" + delivered);
        replay(Map.of("ids", own, "status", "dead", "dryRun", true)).body("matched", equalTo(1)).body("replayed", equalTo(0));
        assertThat(TestDatabase.delivery("default", "evt_" + dead).orElseThrow().status()).isEqualTo("dead");

        replay(Map.of("ids", own, "status", "dead")).body("matched", equalTo(1)).body("replayed", equalTo(1));
        awaitStatus("default", "evt_" + dead, "delivered");
        assertThat(TestDatabase.delivery("default", "evt_" + dead).orElseThrow().attempts()).isEqualTo(1);
        assertThat(salesforce.record(PAYOUT, dead)).containsEntry("Status__c", "paid");
    }

    @Test
    void aReplayedOldEventDoesNotOverwriteNewerState() {
        String payout = "po_order" + tag;
        String old = "evt_po_order_old" + tag;
        String newest = "evt_po_order_new" + tag;
        postSigned(StripeEvents.payout(payout).type("payout.updated").status("in_transit").created(1_700_000_300L).eventId(old).bytes()).statusCode(200);
        awaitStatus("default", old, "delivered");
        postSigned(StripeEvents.payout(payout).created(1_700_000_400L).eventId(newest).bytes()).statusCode(200);
        awaitStatus("default", newest, "delivered");
        int calls = salesforce.callsWith(PAYOUT, payout);

        replay(Map.of("ids", List.of(old))).body("matched", equalTo(1)).body("replayed", equalTo(1));
        awaitStatus("default", old, "skipped");

        assertThat(salesforce.record(PAYOUT, payout)).containsEntry("Status__c", "paid");
        assertThat(salesforce.callsWith(PAYOUT, payout)).isEqualTo(calls);

        replay(Map.of("ids", List.of(newest))).body("replayed", equalTo(1));
        awaitStatus("default", newest, "delivered");
        assertThat(salesforce.callsWith(PAYOUT, payout)).as("the newest event is pushed again").isEqualTo(calls + 1);
        assertThat(salesforce.record(PAYOUT, payout)).containsEntry("Status__c", "paid");
    }

    @Test
    void aDryRunChangesNothing() {
        String event = "evt_po_dry" + tag;
        postSigned(StripeEvents.payout("po_dry" + tag).created(1_700_000_500L).bytes()).statusCode(200);
        awaitStatus("default", event, "delivered");
        TestDatabase.Delivery before = TestDatabase.delivery("default", event).orElseThrow();

        replay(Map.of("ids", List.of(event), "account", "default", "type", "payout.*", "dryRun", true))
                .body("matched", equalTo(1)).body("replayed", equalTo(0));

        assertThat(TestDatabase.delivery("default", event).orElseThrow()).isEqualTo(before);
    }

    @Test
    void replaysMoreEventsThanOneBatchHoldsEveryOneOfThem() {
        String account = "replay-batches" + tag;
        // More than a batch of each: events of objects (three an object, so that objects straddle
        // the batches' edges) and events without one, which the replay goes through after them.
        int events = 4 * ReplayRepository.BATCH + 2;
        // Settled events of a type no route takes: delivery skips them again without a call.
        TestDatabase.execute("""
                INSERT INTO stripe_event (account, event_id, type, created, object_id, payload, status, done_at)
                SELECT '%s', 'evt_' || g, 'test.unrouted', now() - make_interval(secs => g),
                       CASE WHEN g %% 2 = 1 THEN 'obj_' || (g / 6) END, '\\x7b7d'::bytea, 'skipped', now()
                  FROM generate_series(1, %d) g
                """.formatted(account, events));
        try {
            replay(Map.of("account", account)).body("matched", equalTo(events)).body("replayed", equalTo(events));

            // Stored in one transaction, so received_at and updated_at were equal until the replay.
            assertThat(TestDatabase.scalarCount("SELECT count(*) FROM stripe_event WHERE account = '" + account
                    + "' AND updated_at > received_at")).isEqualTo(events);
        } finally {
            // Delivery settles the replayed rows in key order; a delete racing its settle could
            // deadlock. The rows go even when they never settle: a database that outlives this run
            // must not keep them.
            try {
                await().atMost(java.time.Duration.ofSeconds(90)).until(() -> TestDatabase.scalarCount(
                        "SELECT count(*) FROM stripe_event WHERE account = '" + account + "' AND status = 'pending'") == 0);
            } finally {
                TestDatabase.execute("DELETE FROM stripe_event WHERE account = '" + account + "'");
            }
        }
    }

    @Test
    void refusesAReplayWithoutFiltersOrWithAnUnknownOne() {
        replayRaw("{}").statusCode(400).body("message", containsString("at least one filter"));
        replayRaw("{\"dryRun\":true}").statusCode(400).body("message", containsString("at least one filter"));
        replayRaw("{\"stauts\":\"dead\"}").statusCode(400).body("message", containsString("unknown field 'stauts'"));
        replayRaw("[1,2]").statusCode(400).body("error", equalTo("invalid_request"));
        // The last of two would win unseen: a dry run that replays.
        replayRaw("{\"status\":\"dead\",\"dryRun\":true,\"dryRun\":false}").statusCode(400)
                .body("message", containsString("given twice"));
        replayRaw("not json").statusCode(400).body("message", containsString("not a replay request"));
        replayRaw("").statusCode(400);
        replayRaw("{\"ids\":[\"evt_\\u0000x\"]}").statusCode(400).body("message", containsString("NUL"));
        replayRaw("{\"status\":\"dead\",\"pad\":\"" + "x".repeat(70_000) + "\"}").statusCode(413);
    }

    @Test
    void refusesAReplayThatIsNotJsonWhateverItsSize() {
        String small = "{\"status\":\"dead\",\"dryRun\":true}";
        String large = "{\"status\":\"dead\",\"dryRun\":true,\"ids\":[" + "\"evt_not_stored_x\",".repeat(900) + "\"evt_not_stored_y\"]}";
        for (String body : List.of(small, large)) {
            admin().contentType("application/x-www-form-urlencoded").body(body).post("replay").then()
                    .statusCode(415)
                    .body("error", equalTo("unsupported_media_type"))
                    .body("message", containsString("Content-Type: application/json"));
        }
        admin().contentType("application/x-www-form-urlencoded").body("{\"pad\":\"" + "x".repeat(70_000) + "\"}")
                .post("replay").then().statusCode(413).body("error", equalTo("payload_too_large"));
        admin().contentType("text/plain").body(small).post("replay").then().statusCode(415);
        admin().contentType("application/json; charset=utf-8").body(large).post("replay").then().statusCode(200)
                .body("replayed", equalTo(0));
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** The whole answer, status line, headers and body, to {@code "<method> <target>"} with the token. */
    private static String rawManagementCall(String request) throws IOException {
        URI management = URI.create(TestPorts.managementUrl());
        try (Socket socket = new Socket(management.getHost(), management.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write((request + " HTTP/1.1\r\nHost: " + management.getHost() + "\r\nAuthorization: Bearer "
                    + AdminProfile.TOKEN + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static RequestSpecification admin() {
        return given().baseUri(adminUrl()).header("Authorization", "Bearer " + AdminProfile.TOKEN);
    }

    private static String adminUrl() {
        return TestPorts.managementUrl().replace("/q/", "/admin/");
    }

    private static ValidatableResponse replay(Map<String, Object> request) {
        try {
            return replayRaw(JSON.writeValueAsString(request)).statusCode(200);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ValidatableResponse replayRaw(String body) {
        return admin().contentType("application/json").body(body).post("replay").then();
    }

}
