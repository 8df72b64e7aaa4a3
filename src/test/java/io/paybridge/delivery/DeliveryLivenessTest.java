package io.paybridge.delivery;

import static io.paybridge.testing.SObjects.PAYOUT;
import static io.paybridge.testing.Deliveries.metrics;
import static io.paybridge.testing.Webhooks.postSigned;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.paybridge.testing.FakeSalesforce;
import io.paybridge.testing.InjectFakeSalesforce;
import io.paybridge.testing.StripeEvents;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * A pipeline whose turns never end (here: every delivery query waits on a lock that a test
 * transaction holds) abandons each turn after the turn timeout, shows it in
 * {@code paybridge_delivery_last_turn_age_seconds}, goes down in liveness after three turn
 * timeouts, and delivers as soon as the database answers again.
 */
@QuarkusTest
@TestProfile(DeliveryLivenessTest.Profile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class DeliveryLivenessTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Pattern TURN_AGE = Pattern.compile("paybridge_delivery_last_turn_age_seconds ([0-9.E]+)");

    @InjectFakeSalesforce
    FakeSalesforce salesforce;


    @Test
    void aTurnThatNeverEndsIsAbandonedAndLivenessTellsKubernetes() throws Exception {
        assertThat(liveness()).isEqualTo(200);
        String id = "po_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        postSigned(StripeEvents.payout(id).field("currency", "usd").field("amount", 4200).bytes()).statusCode(200);

        try (Connection connection = TestDatabase.connect(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            // Claims, leases and settles all wait on these locks: every turn from now on hangs.
            statement.execute("LOCK TABLE stripe_event, salesforce_record IN ACCESS EXCLUSIVE MODE");

            await().atMost(DEADLINE).until(() -> liveness() == 503);
            assertThat(lastTurnAgeSeconds()).isGreaterThanOrEqualTo(3 * Profile.TURN_TIMEOUT.toSeconds());

            connection.rollback();
        }

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(
                TestDatabase.delivery("default", "evt_" + id).orElseThrow().status()).isEqualTo("delivered"));
        assertThat(salesforce.record(PAYOUT, id)).isNotNull();
        await().atMost(DEADLINE).until(() -> liveness() == 200);
        assertThat(lastTurnAgeSeconds()).isLessThan(3 * Profile.TURN_TIMEOUT.toSeconds());
    }

    private static int liveness() {
        return given().baseUri(TestPorts.managementUrl()).get("health/live").statusCode();
    }

    private static double lastTurnAgeSeconds() {
        Matcher age = TURN_AGE.matcher(metrics());
        assertThat(age.find()).as("paybridge_delivery_last_turn_age_seconds in /q/metrics").isTrue();
        return Double.parseDouble(age.group(1));
    }

    /**
     * The delivery profile with a short turn timeout, and so short calls and leases (the service
     * wants both turn timeout and lease above 1.5 x the call timeout). Nothing here counts attempts.
     */
    public static class Profile extends DeliveryProfile {

        static final Duration TURN_TIMEOUT = Duration.ofSeconds(2);

        @Override
        public Map<String, String> getConfigOverrides() {
            return settingsWith(Map.of(
                    "paybridge.delivery.turn-timeout", TURN_TIMEOUT.toMillis() + "ms",
                    "paybridge.salesforce.timeout", "1s",
                    "paybridge.delivery.lease", "5s"));
        }
    }
}
