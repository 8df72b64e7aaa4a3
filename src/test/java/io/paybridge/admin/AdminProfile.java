package io.paybridge.admin;

import java.util.Map;

import io.paybridge.delivery.DeliveryProfile;

/**
 * Delivery against the fake Salesforce, with the admin API behind a token. Shared by the admin API's
 * tests and the console's, which drives the same API from a browser, so that their packaged twins
 * share one launch of the application.
 */
public class AdminProfile extends DeliveryProfile {

    public static final String TOKEN = "admin-token-for-tests";

    @Override
    public Map<String, String> getConfigOverrides() {
        return settingsWith(Map.of("paybridge.admin.token", TOKEN));
    }
}
