package io.paybridge.reconcile;

import io.paybridge.admin.JsonAnswers;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

/**
 * {@code POST /admin/reconcile[?full=true]} on the management interface: a sweep now, for an
 * operator who does not want to wait for the next one (and for tests). Answers when it is done:
 * {@code {"accounts":[{"account","outcome","full","listed","stored","present","error"}]}}, or 409
 * {@code sweep_running} while another replica sweeps.
 */
@ApplicationScoped
public class ReconcileRoutes {

    private static final Logger LOG = Logger.getLogger(ReconcileRoutes.class);

    private final ReconcileService service;

    public ReconcileRoutes(ReconcileService service) {
        this.service = service;
    }

    /** After the admin API's own routes: its bearer-token check must come first. */
    void register(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) ManagementInterface management) {
        Router router = management.router();
        router.post("/admin/reconcile").blockingHandler(this::reconcile, false);
    }

    private void reconcile(RoutingContext ctx) {
        String full = ctx.queryParams().get("full");
        if (full != null && !full.equals("true") && !full.equals("false")) {
            JsonAnswers.error(ctx, 400, "invalid_request", "full must be true or false");
            return;
        }
        try {
            Sweep sweep = service.sweepNow(Boolean.parseBoolean(full));
            if (!sweep.ran()) {
                JsonAnswers.error(ctx, 409, "sweep_running", "a sweep is running on another replica; its result is in the metrics and log");
                return;
            }
            JsonAnswers.send(ctx, 200, new JsonObject().put("accounts", runs(sweep)));
        } catch (RuntimeException failure) {
            LOG.errorf("POST /admin/reconcile failed: %s", failure.toString());
            JsonAnswers.error(ctx, 503, "unavailable", "the database could not answer; retry later");
        }
    }

    private static JsonArray runs(Sweep sweep) {
        JsonArray runs = new JsonArray();
        for (AccountRun run : sweep.accounts()) {
            runs.add(new JsonObject()
                    .put("account", run.account())
                    .put("outcome", run.outcome().value())
                    .put("full", run.full())
                    .put("listed", run.result().listed())
                    .put("stored", run.result().stored())
                    .put("present", run.result().present())
                    .put("error", run.error()));
        }
        return runs;
    }
}
