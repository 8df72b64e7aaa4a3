package io.paybridge.salesforce;

/**
 * An access token and the org instance it is valid for.
 */
record SalesforceToken(String accessToken, String instanceUrl) {

    String authorization() {
        return "Bearer " + accessToken;
    }

    @Override
    public String toString() {
        return "SalesforceToken[instanceUrl=" + instanceUrl + ", accessToken=<redacted>]";
    }
}
