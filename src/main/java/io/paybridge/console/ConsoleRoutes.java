package io.paybridge.console;

import io.paybridge.admin.AdminConfig;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * The operator console, on the management interface only, like the admin API it calls:
 * {@code GET /console} is the page, {@code /console/<file>} its stylesheet and ES modules, and
 * {@code /console/settings.json} tells the page whether the admin API wants a token (never the
 * token). The page and its files are public on that port; every piece of data comes from the admin
 * API, which checks the token.
 */
@ApplicationScoped
public class ConsoleRoutes {

    private static final Logger LOG = Logger.getLogger(ConsoleRoutes.class);

    /**
     * Scripts, styles and calls from this origin only, no inline script and no framing: data from the
     * API is written as text, and this is the second fence should a bug ever write it as markup.
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final ConsoleAssets assets = ConsoleAssets.load();
    private final String settings;

    public ConsoleRoutes(AdminConfig admin) {
        boolean tokenRequired = admin.token().filter(token -> !token.isBlank()).isPresent();
        this.settings = new JsonObject().put("tokenRequired", tokenRequired).encode();
    }

    void register(@Observes ManagementInterface management) {
        Router router = management.router();
        router.get("/console").handler(ctx -> serve(ctx, "index.html"));
        router.get("/console/").handler(ctx -> serve(ctx, "index.html"));
        router.get("/console/settings.json").handler(this::settings);
        router.get("/console/:file").handler(ctx -> serve(ctx, ctx.pathParam("file")));
        LOG.info("Operator console on the management interface at /console");
    }

    private void serve(RoutingContext ctx, String file) {
        assets.get(file).ifPresentOrElse(
                asset -> headers(ctx.response(), asset.contentType()).setStatusCode(200).end(asset.content()),
                () -> headers(ctx.response(), "application/json").setStatusCode(404)
                        .end(new JsonObject().put("error", "not_found").put("message", "the console has no such file").encode()));
    }

    private void settings(RoutingContext ctx) {
        headers(ctx.response(), "application/json").setStatusCode(200).end(settings);
    }

    private static HttpServerResponse headers(HttpServerResponse response, String contentType) {
        return response
                .putHeader(HttpHeaders.CONTENT_TYPE, contentType)
                // Always revalidated: an upgraded service must not run yesterday's modules.
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY");
    }
}
