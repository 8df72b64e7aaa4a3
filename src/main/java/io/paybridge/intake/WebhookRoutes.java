package io.paybridge.intake;

import io.paybridge.accounts.Account;
import io.paybridge.accounts.Accounts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * {@code POST /webhooks/stripe} and {@code POST /webhooks/stripe/{account}}.
 *
 * <p>A plain Vert.x route rather than a REST resource, because the endpoint must own how the body
 * is read: the account is checked before a byte is buffered, the size limit is enforced while the
 * body streams in, a sender that trickles bytes is cut off, and the bytes reach the signature check
 * untouched, whatever its content type claims. Everything else is {@link IntakeService}'s.
 */
@ApplicationScoped
public class WebhookRoutes {

    static final String PATH = "/webhooks/stripe";

    /** Ahead of Quarkus's own body handling, so that the body reaches us as it arrives. */
    private static final int ORDER = -10;
    private static final Logger LOG = Logger.getLogger(WebhookRoutes.class);
    static final int LOGGED_ACCOUNT_LENGTH = 64;
    private static final String START = "paybridge.start";
    private static final String ACCOUNT = "paybridge.account";

    /** How long the rest of an unwanted body is read and dropped before the connection closes. */
    private static final long LINGER_MILLIS = 2000;

    private final IntakeService service;
    private final IntakeMetrics metrics;
    private final IntakeConfig config;
    private final Vertx vertx;
    private final long maxBodySize;

    public WebhookRoutes(IntakeService service, IntakeMetrics metrics, IntakeConfig config, Vertx vertx) {
        this.service = service;
        this.metrics = metrics;
        this.config = config;
        this.vertx = vertx;
        this.maxBodySize = config.maxBodySize().asLongValue();
    }

    void register(@Observes Router router) {
        router.route(HttpMethod.POST, PATH).order(ORDER)
                .handler(ctx -> receive(ctx, Accounts.DEFAULT));
        router.route(HttpMethod.POST, PATH + "/:account").order(ORDER)
                .handler(ctx -> receive(ctx, ctx.pathParam("account")));
        router.routeWithRegex("^" + PATH + "(/[^/]*)?/?$").order(ORDER + 1)
                .handler(this::methodNotAllowed);
        // Any other path is not a webhook (no account, no metric, no log line: scanners would fill
        // them), but the answer says why as the webhooks' refusals do, not with an HTML page.
        router.errorHandler(404, WebhookRoutes::notFound);
    }

    private static void notFound(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(404)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject()
                        .put("error", "not_found")
                        .put("message", "This port serves only POST " + PATH + " and POST " + PATH + "/<account>")
                        .encode());
    }

    private void methodNotAllowed(RoutingContext ctx) {
        ctx.put(START, System.nanoTime());
        String account = ctx.normalizedPath().length() > PATH.length() + 1
                ? ctx.normalizedPath().substring(PATH.length() + 1)
                : Accounts.DEFAULT;
        ctx.put(ACCOUNT, account);
        ctx.response().putHeader(HttpHeaders.ALLOW, "POST");
        reject(ctx, new IntakeRejection(IntakeError.METHOD_NOT_ALLOWED, "Stripe webhooks are delivered with POST"));
    }

    private void receive(RoutingContext ctx, String accountName) {
        ctx.put(START, System.nanoTime());
        ctx.put(ACCOUNT, accountName);
        Account account;
        try {
            account = service.account(accountName);
        } catch (IntakeRejection unknown) {
            // Refused before any byte of the body is read.
            reject(ctx, unknown);
            return;
        }
        long declaredLength = declaredLength(ctx);
        if (declaredLength > maxBodySize) {
            tooLarge(ctx);
            return;
        }
        long timer = vertx.setTimer(config.readTimeout().toMillis(), id -> readTimedOut(ctx));
        BoundedBody body = new BoundedBody(maxBodySize, declaredLength);
        HttpServerRequest request = ctx.request();
        request.handler(chunk -> {
            if (!body.overflowed() && !body.append(chunk)) {
                vertx.cancelTimer(timer);
                tooLarge(ctx);
            }
        });
        request.exceptionHandler(failure -> vertx.cancelTimer(timer));
        request.endHandler(ended -> {
            vertx.cancelTimer(timer);
            if (!body.overflowed() && !ctx.response().ended()) {
                process(ctx, account, body.bytes());
            }
        });
        request.resume();
    }

    private void process(RoutingContext ctx, Account account, byte[] body) {
        String signature = ctx.request().getHeader("Stripe-Signature");
        service.receive(account, signature, body)
                .subscribe().with(
                        result -> accepted(ctx, result),
                        failure -> rejected(ctx, failure));
    }

    private static long declaredLength(RoutingContext ctx) {
        String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared == null) {
            return -1;
        }
        try {
            return Long.parseLong(declared.trim());
        } catch (NumberFormatException notANumber) {
            return -1;
        }
    }

    private void tooLarge(RoutingContext ctx) {
        reject(ctx, new IntakeRejection(IntakeError.PAYLOAD_TOO_LARGE,
                "The body is larger than " + maxBodySize + " bytes"));
    }

    private void readTimedOut(RoutingContext ctx) {
        if (!ctx.response().ended()) {
            reject(ctx, new IntakeRejection(IntakeError.REQUEST_TIMEOUT,
                    "The request body did not arrive within " + config.readTimeout().toSeconds() + "s"));
        }
    }

    private void accepted(RoutingContext ctx, IntakeResult result) {
        String outcome = result.outcome().label();
        // Built by hand: the hottest response of the service, two fields, one of them escaped.
        String body = "{\"id\":" + jsonString(result.envelope().id()) + ",\"status\":\"" + outcome + "\"}";
        respond(ctx, 200, body, outcome);
    }

    /**
     * Stripe's ids are letters, digits and underscores, which need no escaping; anything else goes
     * through the JSON encoder (a generator per call, which is what this spares the common case).
     */
    static String jsonString(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return Json.encode(value);
            }
        }
        return '"' + value + '"';
    }

    /**
     * An account name from the URL, as a log line may carry it. The path is anybody's text: decoded,
     * a name can hold line breaks that would forge log lines of their own, or be kilobytes long.
     * Characters outside printable ASCII are escaped and the name is cut at
     * {@value #LOGGED_ACCOUNT_LENGTH}; a configured account's name has neither.
     */
    static String loggable(String account) {
        if (account == null) {
            return null;
        }
        StringBuilder shown = new StringBuilder(Math.min(account.length(), LOGGED_ACCOUNT_LENGTH) + 2);
        for (int i = 0; i < account.length() && i < LOGGED_ACCOUNT_LENGTH; i++) {
            char c = account.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '\\') {
                shown.append(String.format("\\u%04x", (int) c));
            } else {
                shown.append(c);
            }
        }
        if (account.length() > LOGGED_ACCOUNT_LENGTH) {
            shown.append("... (").append(account.length()).append(" characters)");
        }
        return shown.toString();
    }

    private void rejected(RoutingContext ctx, Throwable failure) {
        if (failure instanceof IntakeRejection rejection) {
            reject(ctx, rejection);
            return;
        }
        LOG.errorf(failure, "Webhook for account %s failed unexpectedly", loggable(ctx.get(ACCOUNT)));
        reject(ctx, new IntakeRejection(IntakeError.STORAGE_UNAVAILABLE, "The event could not be stored; retry later"));
    }

    private void reject(RoutingContext ctx, IntakeRejection rejection) {
        IntakeError error = rejection.error();
        LOG.infof("Webhook for account %s refused: %s (%s)", loggable(ctx.get(ACCOUNT)), error.code(), rejection.getMessage());
        JsonObject body = new JsonObject()
                .put("error", error.code())
                .put("message", rejection.getMessage());
        respond(ctx, error.status(), body.encode(), error.code());
    }

    private void respond(RoutingContext ctx, int status, String body, String outcome) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        Long start = ctx.get(START);
        metrics.record(ctx.get(ACCOUNT, Accounts.DEFAULT), outcome, start == null ? System.nanoTime() : start);
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (ctx.request().isEnded()) {
            response.end(body);
            return;
        }
        // The rest of the body is not wanted (too large, or too slow): answer, then hang up.
        response.putHeader(HttpHeaders.CONNECTION, "close");
        response.end(body)
                .onComplete(written -> hangUpAfterLinger(ctx.request()));
    }

    /**
     * Closing a connection with unread bytes in it makes the kernel reset it, and a reset can
     * destroy the answer before a sender that is still writing reads it: it would see a broken pipe
     * instead of the 413. So what still arrives is read and dropped until the body ends or for
     * {@link #LINGER_MILLIS} at most, then the connection closes (a lingering close, as web servers do).
     */
    private void hangUpAfterLinger(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        if (request.isEnded()) {
            connection.close();
            return;
        }
        long linger = vertx.setTimer(LINGER_MILLIS, id -> connection.close());
        request.handler(dropped -> { });
        request.endHandler(ended -> {
            vertx.cancelTimer(linger);
            connection.close();
        });
        request.resume();
    }
}
