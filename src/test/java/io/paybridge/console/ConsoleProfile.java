package io.paybridge.console;

import java.util.Map;

import io.paybridge.delivery.DeliveryProfile;

/** Delivery against the fake Salesforce, with the admin API (and so the console) behind a token. */
public class ConsoleProfile extends DeliveryProfile {

    static final String TOKEN = "console-token-for-tests";

    @Override
    public Map<String, String> getConfigOverrides() {
        return settingsWith(Map.of("paybridge.admin.token", TOKEN));
    }
}
