package io.paybridge.accounts;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The configured accounts, checked once at start so that a typo fails the deployment instead of
 * answering 404 to every webhook of that account.
 */
@Startup
@ApplicationScoped
public class Accounts {

    /** The account served at {@code /webhooks/stripe}. */
    public static final String DEFAULT = "default";

    private static final Logger LOG = Logger.getLogger(Accounts.class);
    /**
     * Letters and digits only: every name must be settable from the environment
     * ({@code PAYBRIDGE_ACCOUNTS_<NAME>_WEBHOOK_SECRETS}), where '-' and '_' cannot be told apart
     * from the property separators.
     */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]{1,63}");

    private final Map<String, Account> byName;

    public Accounts(AccountsConfig config) {
        this.byName = validated(config.accounts());
        if (byName.isEmpty()) {
            LOG.warn("No Stripe account is configured (paybridge.accounts.<name>.webhook-secrets): "
                    + "every webhook will be answered 404");
        } else {
            LOG.infof("Stripe accounts: %s", byName.keySet());
        }
    }

    public Optional<Account> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The accounts Paybridge can call Stripe's API for (backfill, reconciliation): those with an API key. */
    public List<Account> withApiKey() {
        return byName.values().stream()
                .filter(account -> account.apiKey().isPresent())
                .toList();
    }

    private static Map<String, Account> validated(Map<String, AccountsConfig.Account> configured) {
        Map<String, Account> accounts = new TreeMap<>();
        configured.forEach((name, account) -> accounts.put(name, validated(name, account)));
        return Map.copyOf(accounts);
    }

    private static Account validated(String name, AccountsConfig.Account config) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalStateException("paybridge.accounts." + name + ": an account name is 1 to 63 "
                    + "lower-case letters or digits, so that it can be set from the environment");
        }
        List<String> secrets = config.webhookSecrets().orElse(List.of()).stream()
                .map(String::trim)
                .filter(secret -> !secret.isEmpty())
                .toList();
        if (secrets.isEmpty() && config.apiKey().isEmpty()) {
            throw new IllegalStateException("paybridge.accounts." + name + ".webhook-secrets: "
                    + "at least one webhook signing secret is required");
        }
        if (secrets.isEmpty()) {
            LOG.warnf("Account %s has no webhook secret: its webhooks will be refused, "
                    + "only backfill can store its events", name);
        }
        return new Account(name, secrets, config.apiKey().map(String::trim).orElse(null));
    }
}
