package io.paybridge.admin;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * What the management port answers when none of its routes does, in the admin API's shape
 * ({@code {"error","message"}}) rather than Vert.x's plain text or HTML page: an unknown path, and a
 * path whose escapes cannot be decoded, which fails before any route (and so any route's failure
 * handler) is reached.
 */
@ApplicationScoped
public class ManagementErrors {

    static final String UNDECODABLE = "the request's URL cannot be decoded: a '%' must start an escape such as %2F";

    private static final Logger LOG = Logger.getLogger(ManagementErrors.class);

    void register(@Observes ManagementInterface management) {
        Router router = management.router();
        router.errorHandler(400, ctx -> JsonAnswers.error(ctx, 400, "invalid_request", UNDECODABLE));
        router.errorHandler(404, ctx -> JsonAnswers.error(ctx, 404, "not_found",
                "this port serves /q/health/live, /q/health/ready, /q/metrics, /admin/* and /console"));
        router.errorHandler(405, ctx -> JsonAnswers.error(ctx, 405, "method_not_allowed", "this path does not take "
                + ctx.request().method().name()));
        router.errorHandler(500, ManagementErrors::failed);
    }

    private static void failed(RoutingContext ctx) {
        LOG.errorf("Management call %s %s failed: %s", ctx.request().method(), ctx.request().path(), ctx.failure());
        JsonAnswers.error(ctx, 500, "internal_error", "the request failed; the service's log says why");
    }
}
