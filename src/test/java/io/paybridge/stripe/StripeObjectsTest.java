package io.paybridge.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * A thin event's fetch that gets no answer says where it went: the operator reading the event's
 * last error must see which {@code api-base} to check, not stripe-java's default host.
 */
class StripeObjectsTest {

    @Test
    void aFetchNoOneAnswersNamesTheApiBaseAndIsRetried() throws IOException {
        String apiBase = "http://127.0.0.1:" + closedPort();
        StripeObjects objects = new StripeObjects(new StripeApi(config(apiBase)), new StripeMetrics(new SimpleMeterRegistry()),
                config(apiBase));

        StripeFetch fetch = objects.fetch("sk_test_51FakePaybridgeObjectsKey0001", "/v1/payouts/po_1", null)
                .await().atMost(Duration.ofSeconds(30));

        assertThat(fetch.kind()).isEqualTo(StripeFetch.Kind.RETRY);
        assertThat(fetch.error()).startsWith("Stripe at " + apiBase + ": could not connect (")
                .doesNotContain("api.stripe.com").doesNotContain("sk_test");
    }

    /** A port nothing listens on: one the system just gave and took back. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static StripeConfig config(String apiBase) {
        return new StripeConfig() {
            @Override
            public String apiBase() {
                return apiBase;
            }

            @Override
            public int pageSize() {
                return 100;
            }

            @Override
            public int maxNetworkRetries() {
                return 0;
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(5);
            }

            @Override
            public Duration fetchTimeout() {
                return Duration.ofSeconds(5);
            }

            @Override
            public int fetchConcurrency() {
                return 1;
            }
        };
    }
}
