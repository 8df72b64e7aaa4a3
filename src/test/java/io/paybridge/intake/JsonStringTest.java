package io.paybridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The success answer's id, written without the JSON encoder when it needs no escaping. */
class JsonStringTest {

    @Test
    void writesAStripeIdAsItIs() {
        assertThat(WebhookRoutes.jsonString("evt_1TQk16R2hXk9LmQaEv0126704")).isEqualTo("\"evt_1TQk16R2hXk9LmQaEv0126704\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"evt_\"quoted\"", "evt_back\\slash", "evt_new\nline", "evt_tab\t", "evt_\u0001", "evt_é", "evt_\u2028", "evt_😀", ""})
    void writesAnyOtherIdAsTheJsonEncoderDoes(String id) {
        String written = WebhookRoutes.jsonString(id);

        assertThat(written).isEqualTo(Json.encode(id));
        assertThat(new JsonObject("{\"id\":" + written + "}").getString("id")).isEqualTo(id);
    }
}
