package io.paybridge.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.quarkus.vertx.http.ManagementInterface;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * The admin API, on the management interface only (port 9000, never routed by the Ingress):
 * {@code GET /admin/events}, {@code GET /admin/events/{account}/{id}}, {@code POST /admin/replay} and
 * {@code GET /admin/stats} (events by status over time, for the operator console).
 * Answers are JSON, times ISO-8601 UTC; errors are {@code {"error","message"}}.
 */
@ApplicationScoped
public class AdminRoutes {

    private static final Logger LOG = Logger.getLogger(AdminRoutes.class);
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final List<String> LIST_PARAMETERS = List.of("account", "id", "status", "type", "since", "until", "limit",
            "after");
    private static final List<String> STATS_PARAMETERS = List.of("account", "since", "until", "bucket");

    private final EventAdminService service;
    private final EventStatsService stats;
    private final ObjectMapper json;
    /**
     * Strict: a misspelt filter silently dropped would widen a replay, and of a field given twice
     * ({@code "dryRun":true,...,"dryRun":false}) the last would win unseen.
     */
    private final ObjectReader replayReader;
    private final Optional<byte[]> token;

    public AdminRoutes(EventAdminService service, EventStatsService stats, ObjectMapper json, AdminConfig config) {
        this.service = service;
        this.stats = stats;
        this.json = json;
        this.replayReader = json.readerFor(ReplayRequest.class)
                .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        this.token = config.token().filter(value -> !value.isBlank()).map(value -> value.getBytes(StandardCharsets.UTF_8));
    }

    void register(@Observes ManagementInterface management) {
        Router router = management.router();
        router.route("/admin/*").handler(this::authorize);
        router.get("/admin/events").handler(this::list);
        router.get("/admin/events/:account/:id").handler(this::find);
        router.post("/admin/replay").handler(this::requireJson);
        router.post("/admin/replay").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.post("/admin/replay").handler(this::replay);
        router.get("/admin/stats").handler(this::stats);
        router.route("/admin/*").last().handler(this::notFound);
        router.route("/admin/*").failureHandler(this::routingFailed);
        LOG.infof("Admin API on the management interface%s", token.isPresent() ? " (bearer token required)" : "");
    }

    private void authorize(RoutingContext ctx) {
        if (token.isEmpty() || presentedTokenMatches(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"paybridge-admin\"");
        JsonAnswers.error(ctx, 401, "unauthorized", "the admin API requires Authorization: Bearer <paybridge.admin.token>");
    }

    private boolean presentedTokenMatches(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] presented = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, token.get());
    }

    private void list(RoutingContext ctx) {
        answer(ctx, Uni.createFrom().deferred(() -> {
            onlyKnownParameters(ctx, LIST_PARAMETERS);
            EventFilter filter = EventFilter.parse(
                    ctx.queryParams().get("account"),
                    ctx.queryParam("id"),
                    ctx.queryParams().get("status"),
                    ctx.queryParams().get("type"),
                    ctx.queryParams().get("since"),
                    ctx.queryParams().get("until"),
                    service.now());
            return service.list(filter, integer(ctx.queryParams().get("limit")), ctx.queryParams().get("after"));
        }));
    }

    private void find(RoutingContext ctx) {
        String account = ctx.pathParam("account");
        String id = ctx.pathParam("id");
        service.find(account, id)
                .subscribe().with(
                        found -> found.ifPresentOrElse(
                                detail -> respond(ctx, 200, detail),
                                () -> JsonAnswers.error(ctx, 404, "not_found", "no event " + id + " is stored for account " + account)),
                        failure -> failed(ctx, failure));
    }

    private void stats(RoutingContext ctx) {
        answer(ctx, Uni.createFrom().deferred(() -> {
            onlyKnownParameters(ctx, STATS_PARAMETERS);
            return stats.stats(
                    ctx.queryParams().get("account"),
                    ctx.queryParams().get("since"),
                    ctx.queryParams().get("until"),
                    ctx.queryParams().get("bucket"));
        }));
    }

    /**
     * A misspelt filter ({@code stauts=dead}) would otherwise list every event, and a replay built
     * from that listing would take them all.
     */
    private static void onlyKnownParameters(RoutingContext ctx, List<String> known) {
        for (String name : ctx.queryParams().names()) {
            if (!known.contains(name)) {
                throw new InvalidRequestException("unknown query parameter '" + TimeArgument.abbreviate(name)
                        + "'; this takes " + String.join(", ", known));
            }
        }
    }

    /**
     * A replay request is JSON, whatever its size. curl's {@code -d} alone sends a form's content type,
     * which the body handler would decode as a form and refuse past a few kilobytes: one clear answer
     * instead, before the body is read.
     */
    private void requireJson(RoutingContext ctx) {
        String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType == null || isJson(contentType)) {
            ctx.next();
            return;
        }
        JsonAnswers.error(ctx, 415, "unsupported_media_type",
                "a replay request is a JSON object: send it with Content-Type: application/json");
    }

    static boolean isJson(String contentType) {
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    private void replay(RoutingContext ctx) {
        if (ctx.body() != null && ctx.body().length() > MAX_BODY_BYTES) {
            JsonAnswers.error(ctx, 413, "payload_too_large", "the body is larger than " + MAX_BODY_BYTES + " bytes");
            return;
        }
        answer(ctx, Uni.createFrom().deferred(() -> {
            ReplayRequest request = replayRequest(ctx);
            return service.replay(request.filter(service.now()), request.isDryRun());
        }));
    }

    private ReplayRequest replayRequest(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
            throw new InvalidRequestException("the body must be a JSON object such as {\"status\":\"dead\",\"dryRun\":true}");
        }
        try {
            ReplayRequest request = replayReader.readValue(ctx.body().buffer().getBytes());
            if (request == null) {
                throw new InvalidRequestException("the body must be a JSON object");
            }
            return request;
        } catch (UnrecognizedPropertyException unknown) {
            throw new InvalidRequestException("unknown field '" + TimeArgument.abbreviate(unknown.getPropertyName())
                    + "'; a replay takes account, ids, status, type, since, until, dryRun");
        } catch (java.io.IOException e) {
            if (e instanceof JsonProcessingException parse && String.valueOf(parse.getOriginalMessage()).startsWith("Duplicate field")) {
                throw new InvalidRequestException("a field is given twice; give each of account, ids, status, type, since, "
                        + "until, dryRun at most once");
            }
            // Jackson's message may quote the body; the caller gets what a replay takes instead.
            throw new InvalidRequestException("the body is not a replay request: expected a JSON object with "
                    + "account, ids, status, type, since, until, dryRun");
        }
    }

    private void answer(RoutingContext ctx, Uni<?> work) {
        work.subscribe().with(
                result -> respond(ctx, 200, result),
                failure -> failed(ctx, failure));
    }

    private void failed(RoutingContext ctx, Throwable failure) {
        if (failure instanceof InvalidRequestException invalid) {
            JsonAnswers.error(ctx, 400, "invalid_request", invalid.getMessage());
            return;
        }
        if (failure instanceof HttpException refused && refused.getStatusCode() == 400) {
            // Vert.x's own refusal, reading the query string: a '%' that starts no escape.
            JsonAnswers.error(ctx, 400, "invalid_request", ManagementErrors.UNDECODABLE);
            return;
        }
        LOG.errorf("Admin call %s %s failed: %s", ctx.request().method(), ctx.request().path(), failure.toString());
        JsonAnswers.error(ctx, 503, "unavailable", "the database could not answer; retry later");
    }

    /** Failures of the router itself, such as a body over the limit, answered in the API's shape. */
    private void routingFailed(RoutingContext ctx) {
        // A form's field past the management limits is a body over this API's limit too.
        boolean tooLarge = ctx.statusCode() == 413 || ctx.failure() instanceof HttpPostRequestDecoder.TooLongFormFieldException;
        int status = tooLarge ? 413 : 400;
        String message = status == 413 ? "the body is larger than " + MAX_BODY_BYTES + " bytes" : "the request cannot be read";
        if (ctx.failure() != null && ctx.statusCode() < 0) {
            failed(ctx, ctx.failure());
            return;
        }
        JsonAnswers.error(ctx, status, status == 413 ? "payload_too_large" : "invalid_request", message);
    }

    private void notFound(RoutingContext ctx) {
        if (ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.POST) {
            JsonAnswers.error(ctx, 405, "method_not_allowed", "the admin API takes GET and POST only");
            return;
        }
        JsonAnswers.error(ctx, 404, "not_found", "no such admin resource; see GET /admin/events, GET /admin/stats and POST /admin/replay");
    }

    private void respond(RoutingContext ctx, int status, Object body) {
        try {
            JsonAnswers.send(ctx, status, json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            failed(ctx, e);
        }
    }

    private static Integer integer(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("limit must be a whole number");
        }
    }
}
