package io.paybridge.accounts;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A configured Stripe account. Secrets stay in here and never reach a log line: {@link #toString()}
 * names the account only.
 */
public final class Account {

    private final String name;
    private final List<byte[]> webhookSecrets;
    private final String apiKey;

    Account(String name, List<String> webhookSecrets, String apiKey) {
        this.name = name;
        this.webhookSecrets = webhookSecrets.stream()
                .map(secret -> secret.getBytes(StandardCharsets.UTF_8))
                .toList();
        this.apiKey = apiKey;
    }

    public String name() {
        return name;
    }

    /**
     * The HMAC keys of every secret that is valid now, as bytes ready for a {@code Mac}.
     */
    public List<byte[]> webhookSecretKeys() {
        return webhookSecrets;
    }

    public Optional<String> apiKey() {
        return Optional.ofNullable(apiKey);
    }

    @Override
    public String toString() {
        return "Account[" + name + ", " + webhookSecrets.size() + " webhook secret(s)]";
    }
}
