package io.paybridge.intake;

import static io.paybridge.testing.Webhooks.postSigned;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.paybridge.testing.DatabaseProxyResource;
import io.paybridge.testing.StripeFixtures;
import io.paybridge.testing.TcpProxy;
import io.paybridge.testing.TestPorts;
import io.paybridge.testing.TestDatabase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The database goes away under the running application and comes back: Stripe is told to retry
 * (503, quickly, never a hang or a 500), readiness follows the database, and the same application
 * accepts events again without a restart.
 */
@QuarkusTest
@TestProfile(StorageOutageTest.Outage.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class StorageOutageTest {

    /** The store timeout of this profile; a request must be answered within it and a margin. */
    static final Duration STORE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration ANSWER_DEADLINE = STORE_TIMEOUT.plusSeconds(3);

    public static class Outage implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("paybridge.intake.store-timeout", STORE_TIMEOUT.toMillis() + "ms");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DatabaseProxyResource.class));
        }
    }


    @AfterEach
    void heal() {
        DatabaseProxyResource.proxy().forward();
    }

    @Test
    void answers503WhileTheDatabaseIsDownAndAcceptsAgainWhenItIsBack() {
        TcpProxy database = DatabaseProxyResource.proxy();
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.bytes("invoice.paid"));
        String id = StripeFixtures.eventId(body);

        database.refuse();

        postWithDeadline(body)
                .statusCode(503)
                .body("error", equalTo("storage_unavailable"));
        assertThat(TestDatabase.find("default", id)).isEmpty();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> readiness().statusCode(503).body("status", equalTo("DOWN")));

        database.forward();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> postWithDeadline(body).extract().statusCode() == 200);
        assertThat(TestDatabase.count("default", id)).isOne();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> readiness().statusCode(200).body("status", equalTo("UP")));
    }

    @Test
    void answers503WithinTheStoreTimeoutWhenTheDatabaseHangs() {
        TcpProxy database = DatabaseProxyResource.proxy();
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.bytes("payout.paid"));
        String id = StripeFixtures.eventId(body);

        database.blackhole();

        postWithDeadline(body)
                .statusCode(503)
                .body("error", equalTo("storage_unavailable"));

        database.forward();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> postWithDeadline(body).extract().statusCode() == 200);
        assertThat(TestDatabase.count("default", id)).isOne();
    }

    /**
     * "Nothing is stored for a rejected request": an insert that waits on a lock past the store
     * timeout is cancelled before its 503, so it can never commit after the answer. Stripe's retry
     * is then accepted, which it could not be had the first insert committed, nor while it still ran.
     */
    @Test
    void a503LeavesNothingStoredWhenTheInsertWaitsOnALock() throws Exception {
        byte[] body = StripeFixtures.withUniqueId(StripeFixtures.bytes("charge.succeeded"));
        String id = StripeFixtures.eventId(body);

        try (Connection locker = TestDatabase.connect()) {
            locker.setAutoCommit(false);
            try (Statement lock = locker.createStatement()) {
                lock.execute("LOCK TABLE stripe_event IN ACCESS EXCLUSIVE MODE");
            }
            postWithDeadline(body)
                    .statusCode(503)
                    .body("error", equalTo("storage_unavailable"));
            locker.rollback();
        }

        postWithDeadline(body)
                .statusCode(200)
                .body("status", equalTo("accepted"));
        assertThat(TestDatabase.count("default", id)).isOne();
    }

    /** A request that hangs past the deadline fails the test with a socket timeout. */
    private static io.restassured.response.ValidatableResponse postWithDeadline(byte[] body) {
        RestAssuredConfig deadline = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.socket.timeout", (int) ANSWER_DEADLINE.toMillis())
                .setParam("http.connection.timeout", 2000));
        return given().config(deadline)
                .contentType("application/json")
                .header("Stripe-Signature", io.paybridge.testing.StripeSigner.header(
                        io.paybridge.testing.Webhooks.DEFAULT_SECRET, body))
                .body(body)
                .when().post("/webhooks/stripe")
                .then();
    }

    private io.restassured.response.ValidatableResponse readiness() {
        return given().baseUri(TestPorts.managementUrl()).when().get("health/ready").then();
    }
}
