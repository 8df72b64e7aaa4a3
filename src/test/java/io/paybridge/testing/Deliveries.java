package io.paybridge.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Waits for what the delivery pipeline does, read from the database and the metrics as an
 * operator would, each with a deadline generous enough for a machine half as fast.
 */
public final class Deliveries {

    private Deliveries() {
    }

    /**
     * Until the account holds {@code events} stored events whose ids contain {@code tag} (one test's
     * own: other tests' events may share the database) and every one of them has ended (delivered,
     * skipped or dead).
     */
    public static void awaitAllDone(String account, String tag, int events) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, String> statuses = TestDatabase.statuses(account, tag);
            assertThat(statuses).hasSize(events);
            assertThat(statuses.values()).allMatch(status -> !status.equals("pending") && !status.equals("retrying"));
        });
    }

    /**
     * Posts an event of each payout, both created at {@code created}, and waits until the first is dead
     * and the second delivered: a test's own dead event with a finished one beside it, for a filter
     * that must tell them apart. The caller has made Salesforce refuse the first payout.
     */
    public static void postDeadAndDelivered(String deadPayout, String deliveredPayout, long created) {
        Webhooks.postSigned(StripeEvents.payout(deadPayout).created(created).bytes()).statusCode(200);
        Webhooks.postSigned(StripeEvents.payout(deliveredPayout).created(created).bytes()).statusCode(200);
        awaitStatus("default", "evt_" + deadPayout, "dead");
        awaitStatus("default", "evt_" + deliveredPayout, "delivered");
    }

    /** Until the event has {@code status}. */
    public static void awaitStatus(String account, String eventId, String status) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                TestDatabase.delivery(account, eventId).map(TestDatabase.Delivery::status)).contains(status));
    }

    /**
     * {@code paybridge_events{status}} as scraped: a count of every stored event, other tests' too, so
     * a test compares it before and after.
     */
    public static long eventsGauge(String status) {
        String series = "paybridge_events{status=\"" + status + "\"}";
        Optional<Double> value = scraped(series);
        assertThat(value).as("%s in the metrics", series).isPresent();
        return Math.round(value.get());
    }

    /**
     * The value of one series as scraped, 0 when absent. Most series exist from the start at zero,
     * so a test compares values, never whether a series is there.
     */
    public static double series(String series) {
        return scraped(series).orElse(0.0);
    }

    private static Optional<Double> scraped(String series) {
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics());
        return value.find() ? Optional.of(Double.parseDouble(value.group(1))) : Optional.empty();
    }

    /** The application's Prometheus metrics, as scraped. */
    public static String metrics() {
        return given().baseUri(TestPorts.managementUrl()).get("metrics").then().statusCode(200).extract().asString();
    }
}
