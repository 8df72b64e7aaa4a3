package io.paybridge.delivery;

import java.util.Map;

/**
 * What Paybridge last applied to a Salesforce record.
 *
 * @param salesforceId    the record's id, once Salesforce has answered with one
 * @param routeWatermarks per route, the newest event that route applied to the record
 * @param newest          the newest event applied by any route, or null for a record never pushed
 */
public record RecordState(String salesforceId, Map<String, OrderingKey> routeWatermarks, OrderingKey newest) {

    public static RecordState empty() {
        return new RecordState(null, Map.of(), null);
    }
}
