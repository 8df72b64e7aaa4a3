package io.paybridge.command;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

import com.stripe.exception.StripeException;
import io.paybridge.accounts.Account;
import io.paybridge.accounts.Accounts;
import io.paybridge.backfill.BackfillResult;
import io.paybridge.backfill.BackfillService;
import io.paybridge.admin.InvalidRequestException;
import io.paybridge.admin.TimeArgument;
import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.Dependent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backfill}: recovers events Stripe sent while Paybridge could not take them (or never
 * sent, such as those of an endpoint disabled for a while) from the Stripe Events API.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = "Lists events from the Stripe Events API and stores those Paybridge never received, "
                + "as if they had arrived by webhook. Prints listed=N stored=M present=K.")
@Dependent
@Unremovable
@RegisterForReflection
public class BackfillCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--account", description = "Paybridge account name; by default every account with an API key.")
    String account;

    @Option(names = "--since", required = true,
            description = "Events created at or after: an age such as 72h or 7d, 2026-11-20T08:00:00Z or 2026-11-20. "
                    + "Stripe keeps events 30 days.")
    String since;

    private final Accounts accounts;
    private final BackfillService service;

    public BackfillCommand(Accounts accounts, BackfillService service) {
        this.accounts = accounts;
        this.service = service;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Instant now = Instant.now();
            Instant from = withinStripeRetention(TimeArgument.parse("--since", since, now), now, err);
            BackfillResult total = BackfillResult.NONE;
            for (Account target : targets()) {
                total = total.plus(service.backfill(target, from));
            }
            out.printf("listed=%d stored=%d present=%d%n", total.listed(), total.stored(), total.present());
            return 0;
        } catch (InvalidRequestException invalid) {
            err.println("backfill: " + invalid.getMessage());
            return PaybridgeCommandLine.USAGE;
        } catch (StripeException stripe) {
            // stripe-java's messages name the request id and a masked key, never the key itself.
            err.printf("backfill failed: Stripe answered HTTP %s: %s%n", stripe.getStatusCode(), stripe.getMessage());
            return PaybridgeCommandLine.FAILED;
        } catch (RuntimeException failure) {
            err.println("backfill failed: " + failure.getMessage());
            return PaybridgeCommandLine.FAILED;
        }
    }

    private static Instant withinStripeRetention(Instant requested, Instant now, PrintWriter err) {
        Instant oldest = now.minus(BackfillService.STRIPE_EVENT_RETENTION);
        if (requested.isBefore(oldest)) {
            err.printf("backfill: Stripe keeps events for 30 days only; events created before %s cannot be "
                    + "backfilled. Listing from %s instead.%n", oldest, oldest);
            return oldest;
        }
        return requested;
    }

    private List<Account> targets() {
        if (account != null) {
            Account target = accounts.find(account).orElseThrow(() -> new InvalidRequestException(
                    "unknown account '" + account + "'; configured: " + String.join(", ", accounts.names())));
            if (target.apiKey().isEmpty()) {
                throw new InvalidRequestException("account " + account + " has no API key: set paybridge.accounts."
                        + account + ".api-key");
            }
            return List.of(target);
        }
        List<Account> withKeys = accounts.names().stream()
                .map(name -> accounts.find(name).orElseThrow())
                .filter(target -> target.apiKey().isPresent())
                .toList();
        if (withKeys.isEmpty()) {
            throw new InvalidRequestException("no account has an API key: set paybridge.accounts.<name>.api-key");
        }
        return withKeys;
    }
}
