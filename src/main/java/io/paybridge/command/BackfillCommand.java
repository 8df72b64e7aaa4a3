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

    @Option(names = "--since", required = true, converter = ArgumentConverters.BackfillSince.class,
            description = "Events created at or after: an age such as 72h or 7d, 2026-11-20T08:00:00Z or 2026-11-20. "
                    + "Stripe keeps events 30 days.")
    Instant since;

    private final Accounts accounts;
    private final BackfillService service;

    public BackfillCommand(Accounts accounts, BackfillService service) {
        this.accounts = accounts;
        this.service = service;
    }

    /** Refusals and failures (Stripe's answers among them) are printed, with their exit codes, by {@link CommandFailures}. */
    @Override
    public Integer call() throws StripeException {
        PrintWriter out = spec.commandLine().getOut();
        Instant from = withinStripeRetention(since, Instant.now(), spec.commandLine().getErr());
        BackfillResult total = BackfillResult.NONE;
        for (Account target : targets()) {
            total = total.plus(service.backfill(target, from));
        }
        out.printf("listed=%d stored=%d present=%d%n", total.listed(), total.stored(), total.present());
        return 0;
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
        List<Account> withKeys = accounts.withApiKey();
        if (withKeys.isEmpty()) {
            throw new InvalidRequestException("no account has an API key: set paybridge.accounts.<name>.api-key");
        }
        return withKeys;
    }
}
