package io.paybridge.stripe;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * Stripe's JSON as Paybridge reads and rewrites it (listed events to store, fetched objects to map):
 * numbers stay exact decimals, so that an amount is stored and mapped as Stripe wrote it whether it
 * came by webhook, by listing or by fetch.
 */
public final class StripeJson {

    /** Configured once here and never after: shared by every caller, as Jackson means a mapper to be. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private StripeJson() {
    }
}
