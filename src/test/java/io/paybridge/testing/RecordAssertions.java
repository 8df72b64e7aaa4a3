package io.paybridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;

/** Assertions on Salesforce records as the fake holds them. */
public final class RecordAssertions {

    private RecordAssertions() {
    }

    /** The record has {@code field}, a number equal to {@code expected} whatever its scale. */
    public static void assertAmount(Map<String, Object> record, String field, String expected) {
        assertThat(record).containsKey(field);
        assertThat(new BigDecimal(String.valueOf(record.get(field)))).isEqualByComparingTo(expected);
    }
}
