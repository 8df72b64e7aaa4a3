package io.paybridge.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;

import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.StripeException;
import org.junit.jupiter.api.Test;

class StripeErrorsTest {

    private static final String API_BASE = "http://127.0.0.1:18748";

    /** As stripe-java words it: its default host, whatever host the client was given. */
    private static ApiConnectionException unanswered(Throwable cause) {
        return new ApiConnectionException("IOException during API request to Stripe (https://api.stripe.com): "
                + cause.getMessage() + " Please check your internet connection and try again.", cause);
    }

    @Test
    void aCallThatGotNoAnswerNamesTheConfiguredApiBaseAndNoHttpStatus() {
        StripeException refused = StripeErrors.withApiBase(unanswered(new ConnectException("Connection refused")), API_BASE);

        assertThat(StripeErrors.describe(refused))
                .isEqualTo("Stripe at http://127.0.0.1:18748: could not connect (Connection refused)");
        assertThat(StripeMetrics.Outcome.of(refused)).isEqualTo(StripeMetrics.Outcome.CONNECTION_ERROR);
    }

    @Test
    void aTimeoutSaysSo() {
        StripeException late = StripeErrors.withApiBase(unanswered(new SocketTimeoutException("Read timed out")), API_BASE);

        assertThat(StripeErrors.describe(late)).isEqualTo("Stripe at http://127.0.0.1:18748: no answer in time (Read timed out)");
        assertThat(StripeMetrics.Outcome.of(late)).isEqualTo(StripeMetrics.Outcome.TIMEOUT);
    }

    @Test
    void anAnswerKeepsItsStatusAndStripesMessage() {
        StripeException refused = new AuthenticationException("Invalid API Key provided: sk_test_********9999", "req_1", null, 401);

        assertThat(StripeErrors.withApiBase(refused, API_BASE)).isSameAs(refused);
        assertThat(StripeErrors.describe(refused)).startsWith("Stripe answered HTTP 401: Invalid API Key provided");
    }
}
