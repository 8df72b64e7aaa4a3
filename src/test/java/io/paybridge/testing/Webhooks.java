package io.paybridge.testing;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Posts webhooks to the application under test the way Stripe does.
 */
public final class Webhooks {

    /** Secrets of the test profile's accounts (application.properties). */
    public static final String DEFAULT_SECRET = "whsec_test_current";
    public static final String DEFAULT_PREVIOUS_SECRET = "whsec_test_previous";
    public static final String ACME_SECRET = "whsec_acme_live";

    private Webhooks() {
    }

    public static ValidatableResponse post(String path, byte[] body, String signature) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (signature != null) {
            request.header("Stripe-Signature", signature);
        }
        return request.when().post(path).then();
    }

    public static ValidatableResponse postSigned(byte[] body) {
        return post("/webhooks/stripe", body, StripeSigner.header(DEFAULT_SECRET, body));
    }
}
