package io.paybridge.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.paybridge.testing.FakeStripe;
import io.paybridge.testing.FakeStripeResource;
import io.paybridge.testing.StripeEvents;
import io.paybridge.testing.StripeFixtures;
import io.paybridge.testing.TestDatabase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The executable's commands as an operator runs them: exit codes, the summary line, and what they
 * do to the database. Backfill talks to a fake Stripe Events API with real list pages. Each launch
 * starts the whole application, so what picocli alone refuses is in {@link CommandArgumentsTest}.
 */
@QuarkusMainTest
@TestProfile(CommandsProfile.class)
@WithTestResource(TestDatabase.class)
class CommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** This test's event ids start so; other tests' events may share the database and are left alone. */
    final String run = "evt_cmd_" + UUID.randomUUID().toString().substring(0, 8) + "_";

    FakeStripe stripe;

    @BeforeEach
    void cleanSlate() {
        stripe = FakeStripeResource.fake();
        stripe.reset();
    }

    /** What the test stored goes with it, so that no later delivery test meets its pending events. */
    @AfterEach
    void deleteOwnEvents() {
        TestDatabase.execute("DELETE FROM stripe_event WHERE event_id LIKE '" + run + "%'");
    }

    @Test
    void backfillStoresExactlyTheMissingEventsAndIsIdempotent(QuarkusMainLauncher launcher) throws IOException {
        List<byte[]> stripeHas = recentEvents(7);
        stripe.holds(stripeHas);
        stripe.holds(List.of(event(StripeFixtures.bytes("payout.paid"), run + "too_old", Instant.now().minus(Duration.ofDays(4)))));
        for (int i = 0; i < 3; i++) {
            TestDatabase.execute("""
                    INSERT INTO stripe_event (account, event_id, type, created, payload, status, attempts)
                    VALUES ('default', '%s%d', 'already.received', now(), convert_to('{"kept":true}', 'UTF8'), 'delivered', 1)
                    """.formatted(run, i));
        }

        LaunchResult first = launcher.launch("backfill", "--account", "default", "--since", "72h");

        assertThat(first.exitCode()).as(first.getErrorOutput()).isZero();
        assertThat(first.getOutput()).contains("listed=7 stored=4 present=3");
        Map<String, String> statuses = ownStatuses();
        assertThat(statuses).hasSize(7).doesNotContainKey(run + "too_old");
        for (int i = 0; i < 3; i++) {
            assertThat(statuses).containsEntry(run + i, "delivered");
            assertThat(TestDatabase.find("default", run + i).orElseThrow().payloadText()).isEqualTo("{\"kept\":true}");
        }
        for (int i = 3; i < 7; i++) {
            assertThat(statuses).containsEntry(run + i, "pending");
            JsonNode stored = JSON.readTree(TestDatabase.find("default", run + i).orElseThrow().payloadText());
            assertThat(stored).isEqualTo(JSON.readTree(stripeHas.get(i)));
        }
        List<Map<String, String>> pages = stripe.listRequests();
        assertThat(pages).hasSize(3);
        assertThat(pages.get(0)).doesNotContainKey("starting_after").containsEntry("limit", "3");
        assertThat(pages.get(1)).containsEntry("starting_after", run + 2);
        assertThat(pages.get(2)).containsEntry("starting_after", run + 5);
        long gte = Long.parseLong(pages.get(0).get("created[gte]"));
        assertThat(gte).isBetween(Instant.now().minus(Duration.ofHours(72)).getEpochSecond() - 120,
                Instant.now().minus(Duration.ofHours(72)).getEpochSecond() + 5);

        LaunchResult second = launcher.launch("backfill", "--account", "default", "--since", "72h");

        assertThat(second.exitCode()).as(second.getErrorOutput()).isZero();
        assertThat(second.getOutput()).contains("listed=7 stored=0 present=7");
        assertThat(ownStatuses()).isEqualTo(statuses);
    }

    @Test
    void backfillSaysStripeKeepsThirtyDaysWhenAskedForMore(QuarkusMainLauncher launcher) {
        stripe.holds(recentEvents(2));

        LaunchResult result = launcher.launch("backfill", "--account", "default", "--since", "45d");

        assertThat(result.exitCode()).as(result.getErrorOutput()).isZero();
        assertThat(result.getErrorOutput()).contains("Stripe keeps events for 30 days");
        assertThat(result.getOutput()).contains("listed=2 stored=2 present=0");
        long gte = Long.parseLong(stripe.listRequests().get(0).get("created[gte]"));
        assertThat(gte).isGreaterThanOrEqualTo(Instant.now().minus(Duration.ofDays(30)).getEpochSecond() - 120);
    }

    /** Unknown accounts and accounts without a key: {@link CommandArgumentsTest}. */
    @Test
    void backfillFailsClearlyWhenStripeRefusesTheKey(QuarkusMainLauncher launcher) {
        stripe.holds(recentEvents(2));
        // Only this class's own ids: other tests' applications may purge or store events meanwhile.
        long before = ownEventCount();

        LaunchResult refused = launcher.launch("backfill", "--account", "acme", "--since", "1h");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.getErrorOutput()).contains("HTTP 401").contains("Invalid API Key");
        assertThat(refused.getOutput() + refused.getErrorOutput()).doesNotContain(CommandsProfile.WRONG_KEY);
        assertThat(ownEventCount()).isEqualTo(before);
    }

    @Test
    void reprocessReplaysMatchingEventsAndADryRunChangesNothing(QuarkusMainLauncher launcher) {
        String payout = run + "payout";
        String invoice = run + "invoice";
        String done = run + "done";
        insertDead(payout, "payout.paid");
        insertDead(invoice, "invoice.paid");
        TestDatabase.execute("""
                INSERT INTO stripe_event (account, event_id, type, created, payload, status, attempts)
                VALUES ('default', '%s', 'payout.paid', now(), convert_to('{}', 'UTF8'), 'delivered', 1)""".formatted(done));
        // Other tests' dead events may share the database: every run names this test's events.
        String[] own = {"--id", payout, "--id", invoice, "--id", done};

        LaunchResult dryRun = launcher.launch(with(own, "reprocess", "--status", "dead", "--dry-run"));
        assertThat(dryRun.exitCode()).as(dryRun.getErrorOutput()).isZero();
        assertThat(dryRun.getOutput()).contains("matched=2 replayed=0");
        assertThat(TestDatabase.delivery("default", payout).orElseThrow().status()).isEqualTo("dead");

        LaunchResult real = launcher.launch(with(own, "reprocess", "--status", "dead", "--type", "payout.*", "--account", "default"));
        assertThat(real.exitCode()).as(real.getErrorOutput()).isZero();
        assertThat(real.getOutput()).contains("matched=1 replayed=1");
        assertThat(TestDatabase.delivery("default", payout).orElseThrow())
                .isEqualTo(new TestDatabase.Delivery("pending", 0, null, null));
        assertThat(TestDatabase.delivery("default", invoice).orElseThrow().status()).isEqualTo("dead");

        LaunchResult byId = launcher.launch("reprocess", "--id", invoice, "--id", done);
        assertThat(byId.getOutput()).contains("matched=2 replayed=2");
    }

    static void insertDead(String eventId, String type) {
        TestDatabase.execute("""
                INSERT INTO stripe_event (account, event_id, type, created, payload, status, attempts, last_error)
                VALUES ('default', '%s', '%s', now(), convert_to('{}', 'UTF8'), 'dead', 8, 'INVALID_FIELD: no such column')
                """.formatted(eventId, type));
    }

    private static String[] with(String[] own, String... args) {
        return Stream.concat(Stream.of(args), Stream.of(own)).toArray(String[]::new);
    }

    /** Stored events, of any account, under this test's ids. */
    private long ownEventCount() {
        return TestDatabase.scalarCount("SELECT count(*) FROM stripe_event WHERE starts_with(event_id, '" + run + "')");
    }

    /** Event id -> status of this test's events. */
    private Map<String, String> ownStatuses() {
        Map<String, String> own = new TreeMap<>(TestDatabase.statuses("default"));
        own.keySet().removeIf(id -> !id.startsWith(run));
        return own;
    }

    /** Fixture events under this test's ids {@code <run>0..} (newest first), created over the last hours. */
    private List<byte[]> recentEvents(int count) {
        List<Path> files = StripeFixtures.eventsIn(StripeFixtures.ROOT);
        List<byte[]> events = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            events.add(event(StripeFixtures.read(files.get(i)), run + i, now.minus(Duration.ofMinutes(10L * (i + 1)))));
        }
        return events;
    }

    private static byte[] event(byte[] fixture, String id, Instant created) {
        return StripeEvents.from(fixture).eventId(id).created(created.getEpochSecond()).bytes();
    }
}
