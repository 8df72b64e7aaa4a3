package io.paybridge.admin;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * How the management routes answer: JSON, never cached, errors as {@code {"error","message"}}. A
 * request that was already answered (a timeout raced the result) is left alone.
 */
public final class JsonAnswers {

    private JsonAnswers() {
    }

    public static void error(RoutingContext ctx, int status, String code, String message) {
        send(ctx, status, new JsonObject().put("error", code).put("message", message).encode());
    }

    public static void send(RoutingContext ctx, int status, JsonObject body) {
        send(ctx, status, body.encode());
    }

    public static void send(RoutingContext ctx, int status, String body) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(body);
    }
}
