package io.paybridge.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

/**
 * Waits for what the delivery pipeline does, read from the database and the metrics as an
 * operator would, each with a deadline generous enough for a machine half as fast.
 */
public final class Deliveries {

    private Deliveries() {
    }

    /** Until every one of the account's {@code events} stored events has ended (delivered, skipped or dead). */
    public static void awaitAllDone(String account, int events) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, String> statuses = TestDatabase.statuses(account);
            assertThat(statuses).hasSize(events);
            assertThat(statuses.values()).allMatch(status -> !status.equals("pending") && !status.equals("retrying"));
        });
    }

    /** Until the event has {@code status}. */
    public static void awaitStatus(String account, String eventId, String status) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                TestDatabase.delivery(account, eventId).map(TestDatabase.Delivery::status)).contains(status));
    }

    /** The application's Prometheus metrics, as scraped. */
    public static String metrics() {
        return given().baseUri(TestPorts.managementUrl()).get("metrics").then().statusCode(200).extract().asString();
    }
}
