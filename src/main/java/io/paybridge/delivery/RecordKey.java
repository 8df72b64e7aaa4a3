package io.paybridge.delivery;

/**
 * A Salesforce record as Salesforce keys an upsert: the SObject and the external id value.
 */
public record RecordKey(String sobject, String externalId) implements Comparable<RecordKey> {

    @Override
    public int compareTo(RecordKey other) {
        int bySObject = sobject.compareTo(other.sobject);
        return bySObject != 0 ? bySObject : externalId.compareTo(other.externalId);
    }
}
