package io.paybridge.accounts;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;

/**
 * The Stripe accounts Paybridge takes events from, by name: {@code paybridge.accounts.<name>.*}.
 * The account {@code default} is served at {@code /webhooks/stripe}, every other one at
 * {@code /webhooks/stripe/<name>}.
 */
@ConfigMapping(prefix = "paybridge.accounts")
public interface AccountsConfig {

    /**
     * Accounts by name.
     */
    @WithParentName
    Map<String, Account> accounts();

    interface Account {

        /**
         * Webhook signing secrets ({@code whsec_...}), comma-separated. Every one is valid at once:
         * list the old and the new secret while rolling, and the test and live secrets when one
         * endpoint serves both modes.
         */
        Optional<List<String>> webhookSecrets();

        /**
         * Secret API key ({@code sk_...} or a restricted {@code rk_...}) used to list events from
         * the Stripe Events API when backfilling.
         */
        Optional<String> apiKey();
    }
}
