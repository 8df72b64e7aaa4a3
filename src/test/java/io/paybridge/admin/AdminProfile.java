package io.paybridge.admin;

import java.util.Map;

import io.paybridge.delivery.DeliveryProfile;

/** Delivery against the fake Salesforce, with the admin API behind a token. */
public class AdminProfile extends DeliveryProfile {

    static final String TOKEN = "admin-token-for-tests";

    @Override
    public Map<String, String> getConfigOverrides() {
        return settingsWith(Map.of("paybridge.admin.token", TOKEN));
    }
}
