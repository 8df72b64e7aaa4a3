package io.paybridge.intake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.paybridge.accounts.Account;
import io.paybridge.accounts.Accounts;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Takes a webhook from its raw bytes to a committed row: authenticate, read the envelope, store.
 * Nothing here waits on anything but the database, and that wait is bounded.
 */
@ApplicationScoped
public class IntakeService {

    private static final Logger LOG = Logger.getLogger(IntakeService.class);

    private final Accounts accounts;
    private final IntakeRepository repository;
    private final StripeSignatureVerifier verifier;
    private final EventEnvelopeParser parser = new EventEnvelopeParser();
    private final Duration storeTimeout;
    private final Clock clock;

    public IntakeService(Accounts accounts, IntakeRepository repository, IntakeConfig config) {
        this.accounts = accounts;
        this.repository = repository;
        this.verifier = new StripeSignatureVerifier(config.tolerance());
        this.storeTimeout = config.storeTimeout();
        this.clock = Clock.systemUTC();
    }

    /**
     * @throws IntakeRejection {@link IntakeError#UNKNOWN_ACCOUNT} when no account has that name
     */
    public Account account(String name) {
        return accounts.find(name)
                .orElseThrow(() -> new IntakeRejection(IntakeError.UNKNOWN_ACCOUNT,
                        "No Stripe account is configured under this path"));
    }

    /**
     * Verifies and stores one webhook. The item arrives once the event is committed; a failure is
     * an {@link IntakeRejection} saying why.
     */
    public Uni<IntakeResult> receive(Account account, String signatureHeader, byte[] body) {
        // Verifying is CPU work that ends at once, so it runs before any Uni is built: a refused
        // request costs no pipeline, and an accepted one no extra stage (each stage of a Uni
        // captures the context on subscription, a few percent of the event loop in the profile).
        EventEnvelope envelope;
        try {
            envelope = authenticated(account, signatureHeader, body);
        } catch (RuntimeException refused) {
            // An IntakeRejection, or a fault of ours that the route answers without a 500.
            return Uni.createFrom().failure(refused);
        }
        return store(account, envelope, body);
    }

    private EventEnvelope authenticated(Account account, String signatureHeader, byte[] body) {
        Instant now = clock.instant();
        verifier.verify(body, signatureHeader, account.webhookSecretKeys(), now.getEpochSecond());
        return parser.parse(body, now);
    }

    private Uni<IntakeResult> store(Account account, EventEnvelope envelope, byte[] body) {
        return repository.store(account.name(), envelope, body)
                .ifNoItem().after(storeTimeout).failWith(() -> new StorageUnavailableException(
                        "no answer from the database within " + storeTimeout.toMillis() + " ms; an insert it"
                                + " still commits is answered as a duplicate to Stripe's retry"))
                .onFailure(StorageUnavailableException.class).transform(failure -> unavailable(account, envelope, failure))
                .map(outcome -> stored(account, envelope, outcome));
    }

    private static IntakeRejection unavailable(Account account, EventEnvelope envelope, Throwable failure) {
        LOG.warnf("Event %s (%s) of account %s answered 503 storage_unavailable: %s", envelope.id(), envelope.type(), account.name(),
                failure.getMessage());
        return new IntakeRejection(IntakeError.STORAGE_UNAVAILABLE,
                "The event could not be stored right now; retry later", failure);
    }

    private static IntakeResult stored(Account account, EventEnvelope envelope, StoreOutcome outcome) {
        LOG.debugf("Event %s (%s) of account %s: %s", envelope.id(), envelope.type(), account.name(), outcome.label());
        return new IntakeResult(envelope, outcome);
    }
}
