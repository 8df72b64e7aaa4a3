package io.paybridge.salesforce;

/**
 * The org's API usage was read again while delivery was paused for {@code max-api-usage}: a CDI
 * event, so that whoever waits for Salesforce can ask {@link SalesforceClient#availability()} at
 * once instead of at its next wake, without this package knowing who waits. It carries nothing:
 * the usage itself is the client's to judge.
 */
public record ApiUsageRead() {
}
