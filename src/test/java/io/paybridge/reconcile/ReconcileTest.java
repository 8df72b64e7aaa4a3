package io.paybridge.reconcile;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.paybridge.mapping.EventMapper;
import io.paybridge.mapping.Routes;
import io.paybridge.testing.FakeStripe;
import io.paybridge.testing.StripeEvents;
import io.paybridge.testing.StripeFixtures;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciliation sweep against a fake Stripe Events API with real list pages: it stores exactly
 * the events Paybridge lacks, of every type, and nothing the second time, fails a run during a Stripe outage and
 * recovers at the next, waits out a 429, and two sweeps asked for at once run once.
 */
@QuarkusTest
@TestProfile(ReconcileProfile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class ReconcileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = ReconcileProfile.ACCOUNT;

    FakeStripe stripe;
    /** Event ids of this test run: nothing another run or test stored can match them. */
    String prefix;

    @BeforeEach
    void cleanSlate() {
        stripe = FakeStripe.shared();
        stripe.reset();
        prefix = "evt_rc" + UUID.randomUUID().toString().substring(0, 8) + "_";
        // The schedule is off in this profile: nothing sweeps while the state is reset.
        TestDatabase.execute("DELETE FROM stripe_event WHERE account = '" + ACCOUNT + "'");
        TestDatabase.execute("DELETE FROM reconcile_account WHERE account = '" + ACCOUNT + "'");
        TestDatabase.execute("UPDATE reconcile_lease SET owner = NULL, started_at = NULL, held_until = NULL");
    }

    @Test
    void storesExactlyTheMissingEventsThenNothingWhenRunAgain() throws IOException {
        List<byte[]> events = recentEvents(8);
        // 0-2: delivered by webhook and stored; 3-5: deliveries failed (Paybridge was down); 6: never
        // attempted (the endpoint was disabled), so only a full listing finds it.
        stripe.holdsDelivered(events.subList(0, 3));
        stripe.holds(events.subList(3, 6));
        stripe.holdsDelivered(events.subList(6, 7));
        stripe.holds(List.of(event(StripeFixtures.bytes("payout.paid"), prefix + "too_old", Instant.now().minus(Duration.ofDays(4)))));
        for (int i = 0; i < 3; i++) {
            TestDatabase.execute("""
                    INSERT INTO stripe_event (account, event_id, type, created, payload, status, attempts)
                    VALUES ('%s', '%s', 'already.received', now(), convert_to('{"kept":true}', 'UTF8'), 'delivered', 1)
                    """.formatted(ACCOUNT, prefix + i));
        }
        Instant firstSweep = Instant.now();

        JsonPath first = sweep("").then().statusCode(200).extract().jsonPath();

        assertThat(first.getList("accounts.account")).containsExactly(ACCOUNT);
        assertRun(first, "success", true, 7, 4, 3);
        Map<String, String> statuses = TestDatabase.statuses(ACCOUNT);
        assertThat(statuses).hasSize(7).doesNotContainKey(prefix + "too_old");
        for (int i = 0; i < 3; i++) {
            assertThat(statuses).containsEntry(prefix + i, "delivered");
            assertThat(TestDatabase.find(ACCOUNT, prefix + i).orElseThrow().payloadText()).isEqualTo("{\"kept\":true}");
        }
        for (int i = 3; i < 7; i++) {
            assertThat(statuses).containsEntry(prefix + i, "pending");
            JsonNode stored = JSON.readTree(TestDatabase.find(ACCOUNT, prefix + i).orElseThrow().payloadText());
            assertThat(stored).isEqualTo(JSON.readTree(events.get(i)));
        }
        List<Map<String, String>> firstCalls = stripe.listRequests();
        // 8 events of the window, pages of 3: one listing of every type in 3 calls.
        assertThat(firstCalls).as("a first sweep lists the whole window, every type").hasSize(3)
                .allSatisfy(call -> assertThat(call).doesNotContainKey("delivery_success"))
                .allSatisfy(call -> assertThat(typeFilter(call)).isEmpty());
        assertThat(Long.parseLong(firstCalls.get(0).get("created[gte]")))
                .isBetween(firstSweep.minus(Duration.ofHours(72)).getEpochSecond() - 5, Instant.now().minus(Duration.ofHours(72)).getEpochSecond());

        JsonPath second = sweep("").then().statusCode(200).extract().jsonPath();

        assertRun(second, "success", false, 3, 0, 3);
        assertThat(TestDatabase.statuses(ACCOUNT)).isEqualTo(statuses);
        List<Map<String, String>> allCalls = stripe.listRequests();
        List<Map<String, String>> secondCalls = allCalls.subList(firstCalls.size(), allCalls.size());
        assertThat(secondCalls).as("the next sweep lists only failed deliveries: one page").hasSize(1);
        assertThat(secondCalls.get(0)).containsEntry("delivery_success", "false");

        // A webhook fails again: the cheap listing finds it, and a full listing from the previous one follows.
        stripe.holds(List.of(event(StripeFixtures.bytes("payout.paid"), prefix + "late", Instant.now().minusSeconds(30))));
        int callsBefore = stripe.listRequests().size();

        JsonPath third = sweep("").then().statusCode(200).extract().jsonPath();

        // Failed deliveries: 3-5 and the late one; then the full listing from the first one: only the late one.
        assertRun(third, "success", true, 4 + 1, 1, 4);
        assertThat(TestDatabase.statuses(ACCOUNT)).containsEntry(prefix + "late", "pending").hasSize(8);
        List<Map<String, String>> callsAfter = stripe.listRequests();
        List<Map<String, String>> thirdCalls = callsAfter.subList(callsBefore, callsAfter.size());
        Map<String, String> fullCall = thirdCalls.stream().filter(call -> !call.containsKey("delivery_success")).findFirst().orElseThrow();
        assertThat(Long.parseLong(fullCall.get("created[gte]"))).as("from the previous full listing, less 10 minutes")
                .isBetween(firstSweep.minus(Duration.ofMinutes(10)).getEpochSecond() - 5, firstSweep.minus(Duration.ofMinutes(10)).getEpochSecond() + 30);

        String metrics = metrics();
        assertThat(metric(metrics, "paybridge_reconcile_events_total{account=\"recon\",outcome=\"stored\"}")).isGreaterThanOrEqualTo(5);
        assertThat(metric(metrics, "paybridge_reconcile_runs_total{account=\"recon\",outcome=\"success\"}")).isGreaterThanOrEqualTo(3);
        assertThat(metric(metrics, "paybridge_reconcile_last_success_timestamp_seconds{account=\"recon\"}"))
                .isBetween((double) firstSweep.getEpochSecond() - 1, (double) Instant.now().getEpochSecond() + 1);
    }

    @Test
    void aFullListingStoresAMissingEventOfATypeNoRouteTakes() throws IOException {
        Instant now = Instant.now();
        byte[] routed = event(StripeFixtures.bytes("charge.succeeded"), prefix + "routed", now.minus(Duration.ofMinutes(20)));
        byte[] unrouted = event(StripeFixtures.bytes("customer.created"), prefix + "unrouted", now.minus(Duration.ofMinutes(25)));
        // Neither was ever attempted (the endpoint was not subscribed to them): only a full listing finds them.
        stripe.holdsDelivered(List.of(routed, unrouted));

        JsonPath full = sweep("").then().statusCode(200).extract().jsonPath();

        // The contract: every event of the window Paybridge lacks is stored, as backfill would, whatever its type.
        assertRun(full, "success", true, 2, 2, 0);
        assertThat(stripe.listRequests()).as("one listing of every type: one page").hasSize(1)
                .allSatisfy(call -> assertThat(typeFilter(call)).isEmpty());
        assertThat(TestDatabase.statuses(ACCOUNT)).containsOnlyKeys(prefix + "routed", prefix + "unrouted")
                .allSatisfy((id, status) -> assertThat(status).isEqualTo("pending"));
        assertThat(JSON.readTree(TestDatabase.find(ACCOUNT, prefix + "unrouted").orElseThrow().payloadText()))
                .isEqualTo(JSON.readTree(unrouted));
        // Delivery then skips it without a Salesforce call, as it would a webhook's (DeliveryTest).
        EventMapper mapper = new EventMapper(Routes.defaults());
        assertThat(mapper.routes("customer.created")).as("a route takes customer.created").isFalse();
        assertThat(mapper.routes("charge.succeeded")).as("a route takes charge.succeeded").isTrue();
    }

    @Test
    void aStripeOutageFailsTheRunAndTheNextRunSucceeds() {
        stripe.holds(recentEvents(2));
        double failedBefore = metric(metrics(), "paybridge_reconcile_runs_total{account=\"recon\",outcome=\"failed\"}");
        long firstRun = Instant.now().getEpochSecond();
        stripe.failNext(1, 500);

        JsonPath failed = sweep("").then().statusCode(200).extract().jsonPath();

        assertRun(failed, "failed", true, 0, 0, 0);
        assertThat(failed.getString("accounts[0].error")).contains("HTTP 500").doesNotContain(FakeStripe.API_KEY);
        assertThat(TestDatabase.statuses(ACCOUNT)).isEmpty();
        String metrics = metrics();
        assertThat(metric(metrics, "paybridge_reconcile_runs_total{account=\"recon\",outcome=\"failed\"}")).isEqualTo(failedBefore + 1);
        assertThat(metric(metrics, "paybridge_reconcile_last_success_timestamp_seconds{account=\"recon\"}"))
                .as("no success yet: the clock runs from the first run")
                .isBetween(firstRun - 1.0, Instant.now().getEpochSecond() + 1.0);

        JsonPath recovered = sweep("").then().statusCode(200).extract().jsonPath();

        assertRun(recovered, "success", true, 2, 2, 0);
        assertThat(TestDatabase.statuses(ACCOUNT)).hasSize(2);
    }

    @Test
    void aRateLimitIsWaitedOutAndAPersistentOneEndsTheRunWithoutHarm() {
        stripe.holds(recentEvents(2));
        stripe.failNext(1, 429);

        JsonPath limitedOnce = sweep("").then().statusCode(200).extract().jsonPath();

        assertRun(limitedOnce, "success", true, 2, 2, 0);
        assertThat(stripe.listRequests()).as("the 429, then the same page again").hasSize(2);

        stripe.failNext(10, 429);
        JsonPath limited = sweep("?full=true").then().statusCode(200).extract().jsonPath();

        assertRun(limited, "rate_limited", true, 0, 0, 0);
        assertThat(stripe.listRequests()).as("the first try and two retries").hasSize(2 + 3);
        assertThat(metric(metrics(), "paybridge_reconcile_runs_total{account=\"recon\",outcome=\"rate_limited\"}")).isPositive();
        given().baseUri(TestPorts.managementUrl()).get("health/ready").then().statusCode(200);
    }

    @Test
    void twoSweepsAskedForAtOnceRunOnce() {
        stripe.holds(recentEvents(2));
        // Long enough that the second request certainly arrives while the first holds the lease.
        stripe.latency(Duration.ofSeconds(2));
        List<Response> answers;

        // Threads of their own: the common pool may have a single worker, which would send them one after the other.
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<Response> one = CompletableFuture.supplyAsync(() -> sweep(""), replicas);
            CompletableFuture<Response> other = CompletableFuture.supplyAsync(() -> sweep(""), replicas);
            answers = List.of(one.join(), other.join());
        } finally {
            replicas.shutdown();
        }

        assertThat(answers).extracting(Response::statusCode).containsExactlyInAnyOrder(200, 409);
        Response skipped = answers.stream().filter(answer -> answer.statusCode() == 409).findFirst().orElseThrow();
        assertThat(skipped.jsonPath().getString("error")).isEqualTo("sweep_running");
        assertThat(stripe.listRequests()).as("one sweep's single page").hasSize(1);
        assertThat(TestDatabase.statuses(ACCOUNT)).hasSize(2);
    }

    @Test
    void theEndpointNeedsTheAdminTokenAndAValidFullFlag() {
        given().baseUri(managementRoot() + "/admin/").post("reconcile").then().statusCode(401);
        admin().post("reconcile?full=maybe").then().statusCode(400);
        assertThat(stripe.listRequests()).isEmpty();
    }

    static void assertRun(JsonPath sweep, String outcome, boolean full, long listed, long stored, long present) {
        assertThat(sweep.getString("accounts[0].outcome")).as(sweep.prettify()).isEqualTo(outcome);
        assertThat(sweep.getBoolean("accounts[0].full")).as(sweep.prettify()).isEqualTo(full);
        assertThat(List.of(sweep.getLong("accounts[0].listed"), sweep.getLong("accounts[0].stored"), sweep.getLong("accounts[0].present")))
                .as("listed, stored, present").containsExactly(listed, stored, present);
    }

    private static Response sweep(String query) {
        return sweepAt(managementRoot(), query);
    }

    /** {@code POST /admin/reconcile} on the replica whose management interface is at {@code managementRoot}. */
    static Response sweepAt(String managementRoot, String query) {
        return given().baseUri(managementRoot + "/admin/").header("Authorization", "Bearer " + ReconcileProfile.TOKEN)
                .post("reconcile" + query);
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().baseUri(managementRoot() + "/admin/").header("Authorization", "Bearer " + ReconcileProfile.TOKEN);
    }

    /** The management interface of the application under test, {@code http://localhost:<port>}. */
    static String managementRoot() {
        return TestPorts.managementUrl().replaceFirst("/q/$", "");
    }

    private static String metrics() {
        return metricsAt(managementRoot());
    }

    static String metricsAt(String managementRoot) {
        return given().baseUri(managementRoot + "/q/").get("metrics").then().statusCode(200).extract().asString();
    }

    /** The value of one series, 0 when absent. */
    static double metric(String metrics, String series) {
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    /** The type filter of a list call: its type or types, "" for none. */
    static String typeFilter(Map<String, String> call) {
        return call.getOrDefault("type", call.getOrDefault("types", ""));
    }

    /**
     * Fixture events of every type, routed or not, under this run's ids (newest first), created over
     * the last hours, the newest 15 minutes ago.
     */
    List<byte[]> recentEvents(int count) {
        List<Path> files = StripeFixtures.eventsIn(StripeFixtures.ROOT);
        List<byte[]> events = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            events.add(event(StripeFixtures.read(files.get(i % files.size())), prefix + i, now.minus(Duration.ofMinutes(15L + 10L * i))));
        }
        return events;
    }

    private static byte[] event(byte[] fixture, String id, Instant created) {
        return StripeEvents.from(fixture).eventId(id).created(created.getEpochSecond()).bytes();
    }
}
