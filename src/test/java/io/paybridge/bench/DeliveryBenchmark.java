package io.paybridge.bench;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.paybridge.testing.FakeSalesforce;
import io.paybridge.testing.FakeSalesforceResource;
import io.paybridge.testing.StripeFixtures;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Delivery benchmark, not a test (scripts/bench-delivery): stores {@code bench.events} pending
 * events of the fixture story's shapes, releases them at once, and measures how fast the pipeline
 * drains them into a fake Salesforce that answers every call after {@code bench.latency}.
 *
 * <p>{@code bench.mode=story} (default) replays the fixture story with fresh object ids, so that
 * several events of one object meet in one claim as they do in production;
 * {@code bench.mode=distinct} gives every event an object of its own, the worst case for batching.
 */
@QuarkusTest
@TestProfile(DeliveryBenchmark.Profile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
@Tag("benchmark")
class DeliveryBenchmark {

    private static final int EVENTS = Integer.getInteger("bench.events", 100_000);
    private static final Duration LATENCY = Duration.ofMillis(Long.getLong("bench.latency", 100));
    private static final boolean DISTINCT = "distinct".equals(System.getProperty("bench.mode", "story"));
    private static final Pattern STRIPE_ID = Pattern.compile("\"((?:evt|cus|pm|in|pi|ch|inpay|po|txn|re|ba|card)_[A-Za-z0-9]+)\"");
    private static final List<String> STORY = List.of("customer.created", "payment_method.attached", "customer.updated",
            "invoice.created", "invoice.finalized", "charge.failed", "payment_intent.payment_failed",
            "invoice.payment_failed", "payment_intent.requires_action", "charge.succeeded", "payment_intent.succeeded",
            "invoice.updated", "invoice.paid", "invoice.payment_succeeded", "invoice_payment.paid", "charge.refunded",
            "payout.created", "payout.updated", "payout.paid", "payout.reconciliation_completed");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.category.\"io.paybridge\".level", "WARN");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeSalesforceResource.class));
        }
    }

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void drain() throws Exception {
        FakeSalesforce salesforce = FakeSalesforceResource.fake();
        // The benchmark runs on the throwaway test database: start from no events and no record history.
        TestDatabase.clearDelivery();
        seed();
        salesforce.reset();
        salesforce.latency(LATENCY);

        Instant start = Instant.now();
        TestDatabase.execute("UPDATE stripe_event SET next_attempt_at = now() WHERE account = 'bench'");
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> waiting() == 0);
        Duration took = Duration.between(start, Instant.now());

        report(took, salesforce);
        TestDatabase.execute("DELETE FROM stripe_event WHERE account = 'bench'");
    }

    private void seed() throws Exception {
        List<String> templates = new ArrayList<>();
        for (String type : STORY) {
            templates.add(new String(StripeFixtures.bytes(type), StandardCharsets.UTF_8));
        }
        try (Connection connection = TestDatabase.connect();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO stripe_event (account, event_id, type, api_version, livemode, object_id, object_type,
                                                  object_status, created, payload, next_attempt_at)
                        VALUES ('bench', ?, ?, ?, false, ?, ?, ?, ?, ?, now() + interval '1 day')""")) {
            connection.setAutoCommit(false);
            for (int n = 0; n < EVENTS; n++) {
                int story = n / templates.size();
                String suffix = DISTINCT ? "b" + n : "b" + story;
                String payload = renamed(templates.get(n % templates.size()), suffix);
                JsonNode event = json.readTree(payload);
                JsonNode object = event.path("data").path("object");
                insert.setString(1, event.path("id").asText());
                insert.setString(2, event.path("type").asText());
                insert.setString(3, event.path("api_version").asText());
                insert.setString(4, object.path("id").asText());
                insert.setString(5, object.path("object").asText());
                insert.setString(6, object.path("status").asText(null));
                insert.setTimestamp(7, Timestamp.from(Instant.ofEpochSecond(event.path("created").asLong())));
                insert.setBytes(8, payload.getBytes(StandardCharsets.UTF_8));
                insert.addBatch();
                if (n % 1000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
            connection.commit();
        }
    }

    private static String renamed(String template, String suffix) {
        Matcher ids = STRIPE_ID.matcher(template);
        StringBuilder out = new StringBuilder();
        while (ids.find()) {
            ids.appendReplacement(out, "\"" + ids.group(1) + suffix + "\"");
        }
        ids.appendTail(out);
        return out.toString();
    }

    private static long waiting() throws Exception {
        return count("SELECT count(*) FROM stripe_event WHERE account = 'bench' AND status IN ('pending', 'retrying')");
    }

    private static long count(String sql) throws Exception {
        try (Connection connection = TestDatabase.connect();
                PreparedStatement query = connection.prepareStatement(sql);
                ResultSet row = query.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static void report(Duration took, FakeSalesforce salesforce) throws Exception {
        long delivered = count("SELECT count(*) FROM stripe_event WHERE account = 'bench' AND status = 'delivered'");
        long skipped = count("SELECT count(*) FROM stripe_event WHERE account = 'bench' AND status = 'skipped'");
        long dead = count("SELECT count(*) FROM stripe_event WHERE account = 'bench' AND status = 'dead'");
        int calls = salesforce.calls();
        long records = salesforce.recordsPerCall().stream().mapToLong(Integer::longValue).sum();
        double seconds = took.toMillis() / 1000.0;
        String result = String.format("""
                delivery benchmark: mode=%s events=%d latency=%dms
                  drained in %.1f s: %.0f events/s (delivered %d, skipped %d, dead %d)
                  Salesforce calls: %d (%.2f per 1,000 events), %d records, %.1f records per call
                """, DISTINCT ? "distinct" : "story", EVENTS, LATENCY.toMillis(), seconds, EVENTS / seconds,
                delivered, skipped, dead, calls, calls * 1000.0 / EVENTS, records, calls == 0 ? 0.0 : (double) records / calls);
        System.out.println(result);
        Files.writeString(Path.of("target", "bench-delivery.txt"), result);
    }
}
