package io.paybridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.paybridge.stripe.StripeJson;

/**
 * Unix times as Stripe's objects have them (whole seconds) and as a thin event's {@code created} becomes
 * one (with its milliseconds).
 */
class ConversionTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void wholeSecondsBecomeADateTimeWithoutFraction() {
        assertThat(Conversion.DATETIME.apply(NODES.numberNode(1795428101L), null, "created"))
                .isEqualTo("2026-11-23T10:01:41Z");
    }

    @Test
    void secondsWithMillisecondsKeepThem() {
        assertThat(Conversion.DATETIME.apply(NODES.numberNode(new BigDecimal("1795428101.214")), null, "created"))
                .isEqualTo("2026-11-23T10:01:41.214Z");
        assertThat(Conversion.DATETIME.apply(NODES.numberNode(new BigDecimal("1795428101.005")), null, "created"))
                .isEqualTo("2026-11-23T10:01:41.005Z");
    }

    @Test
    void aFractionParsedFromJsonKeepsItsMilliseconds() throws Exception {
        JsonNode parsed = StripeJson.MAPPER.readTree("{\"created\": 1795428101.214}").path("created");

        assertThat(Conversion.DATETIME.apply(parsed, null, "created")).isEqualTo("2026-11-23T10:01:41.214Z");
    }

    @Test
    void finerThanMillisecondsIsCutNotRounded() {
        assertThat(Conversion.DATETIME.apply(NODES.numberNode(new BigDecimal("1795428101.9999")), null, "created"))
                .isEqualTo("2026-11-23T10:01:41.999Z");
    }

    @Test
    void aDateFromSecondsWithAFractionIsTheDayOfItsSecond() {
        assertThat(Conversion.DATE.apply(NODES.numberNode(new BigDecimal("1795478399.999")), null, "due_date"))
                .isEqualTo("2026-11-23");
        assertThat(Conversion.DATE.apply(NODES.numberNode(1795478400L), null, "due_date"))
                .isEqualTo("2026-11-24");
    }

    @Test
    void textOrATimeOutOfRangeIsUnmappableAndSaysWhich() {
        assertThatThrownBy(() -> Conversion.DATETIME.apply(NODES.textNode("2026-11-23T10:01:41Z"), null, "created"))
                .isInstanceOf(UnmappableEventException.class)
                .hasMessage("created is not a Unix time");
        assertThatThrownBy(() -> Conversion.DATETIME.apply(NODES.numberNode(new BigDecimal("1e30")), null, "created"))
                .isInstanceOf(UnmappableEventException.class)
                .hasMessage("created is not a Unix time");
    }
}
