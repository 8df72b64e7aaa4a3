import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The training run that writes the package's JDK 25 AOT cache (target/quarkus-app/app.aot): the
 * packaged application runs under -XX:AOTCacheOutput, and the classes it loads and the methods it
 * runs are what the cache holds. Run by `./mvnw package` (the pom's aot-cache profile):
 *
 *   java [-Dpaybridge.aot.training.database=postgresql://HOST:PORT/DB
 *         -Dpaybridge.aot.training.username=USER -Dpaybridge.aot.training.password=PASSWORD]
 *        src/build/AotTraining.java APP_DIR LOG_FILE [TESTS_CACHE]
 *
 * With a database (a throwaway one: its migrations run and a few events are stored), the service
 * starts as it does in production, is ready, takes signed webhooks, a duplicate and a bad
 * signature, is scraped and asked for its events, then stops: the cache then also holds Flyway,
 * the JDBC driver and the reactive client's connection, which a start without them loads from the
 * jars (about 0.3 s of a 1.8 s start here). Without one (nothing at package time can count on a
 * database), the application starts as the command line's `--version` and exits: migrations
 * skipped, a database URL that leads nowhere.
 */
public class AotTraining {

    private static final String SECRET = "whsec_aot_training";
    // `version` is a command, and a command's process opens no port and starts no scheduler
    // (app/CommandModeConfig): the run asks for them, so that the cache holds the server's start.
    private static final String[] WITHOUT_DATABASE = {
            "-Dquarkus.flyway.migrate-at-start=false",
            "-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:1/none",
            "-Dquarkus.http.port=0",
            "-Dquarkus.management.port=0",
            "-Dquarkus.http.host-enabled=true",
            "-Dquarkus.management.host-enabled=true",
            "-Dquarkus.scheduler.enabled=true"};
    private static final Duration READY_DEADLINE = Duration.ofSeconds(120);
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(120);
    private static final int WEBHOOKS = 40;
    /** How a JVM that SIGTERM stopped exits (128 + 15), after its shutdown hooks ran. */
    private static final int SIGTERM_STATUS = 143;

    public static void main(String[] args) throws Exception {
        Path appDir = Path.of(args[0]);
        File log = new File(args[1]);
        if (args.length > 2 && !args[2].isBlank()) {
            launchedByTests(appDir, Path.of(args[2]), new File(args[1] + ".tests"));
        }
        String database = System.getProperty("paybridge.aot.training.database", "");
        Files.deleteIfExists(appDir.resolve("app.aot"));
        int status = database.isBlank()
                ? withoutDatabase(appDir, log)
                : withDatabase(appDir, log, database,
                        System.getProperty("paybridge.aot.training.username", "paybridge"),
                        System.getProperty("paybridge.aot.training.password", "paybridge"));
        if (status != 0 || !Files.isRegularFile(appDir.resolve("app.aot"))) {
            throw new IllegalStateException("the AOT training run ended with " + status
                    + " and no app.aot; see " + log);
        }
    }

    /**
     * A second cache, for the integration tests: Quarkus's launcher runs the jar by its absolute path
     * from the project's directory, and a cache only serves the class path it was trained on, which
     * for app.aot is quarkus-run.jar in the package's directory, as a deployment runs it. Trained as
     * the run without a database is; about half of each of the tests' two dozen starts.
     */
    private static void launchedByTests(Path appDir, Path cache, File log) throws Exception {
        Files.deleteIfExists(cache);
        List<String> command = withoutDatabaseOptions(
                "-XX:AOTCacheOutput=" + cache.toAbsolutePath(),
                "-jar", appDir.resolve("quarkus-run.jar").toAbsolutePath().toString());
        command.add("--version");
        int status = exit(start(command, appDir, log, Map.of()));
        if (status != 0 || !Files.isRegularFile(cache)) {
            throw new IllegalStateException("the tests' AOT training run ended with " + status
                    + " and no " + cache + "; see " + log);
        }
    }

    private static List<String> withoutDatabaseOptions(String cacheOutput, String... jar) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(cacheOutput);
        command.add("-Dpaybridge.accounts.training.webhook-secrets=" + SECRET);
        command.addAll(List.of(WITHOUT_DATABASE));
        command.addAll(List.of(jar));
        return command;
    }

    private static int withoutDatabase(Path appDir, File log) throws Exception {
        List<String> command = withoutDatabaseOptions("-XX:AOTCacheOutput=app.aot", "-jar", "quarkus-run.jar");
        command.add("--version");
        Process app = start(command, appDir, log, Map.of());
        return exit(app);
    }

    private static int withDatabase(Path appDir, File log, String url, String username, String password)
            throws Exception {
        int http = freePort();
        int management = freePort();
        // The database through the environment: the JVM that assembles the cache prints its
        // options, and a password does not belong in a log.
        Process app = start(java(
                "-Dquarkus.http.port=" + http,
                "-Dquarkus.management.port=" + management), appDir, log, Map.of(
                "QUARKUS_DATASOURCE_REACTIVE_URL", url,
                "QUARKUS_DATASOURCE_USERNAME", username,
                "QUARKUS_DATASOURCE_PASSWORD", password));
        try {
            // HTTP/1.1, as Stripe, Kubernetes' probes, Prometheus and wrk speak it: the JDK client's
            // default asks a plain-HTTP server to upgrade to HTTP/2 (h2c), and a cache trained on that
            // left the server's HTTP/1.1 connection classes to be loaded from the jars at the first
            // real request, the readiness probe that ends the start among them.
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            awaitReady(client, app, management);
            train(client, http, management);
        } finally {
            // SIGTERM: the service stops gracefully and the JVM writes the cache as it exits.
            app.destroy();
        }
        int status = exit(app);
        return status == SIGTERM_STATUS ? 0 : status;
    }

    private static void train(HttpClient client, int http, int management) throws Exception {
        long runId = System.currentTimeMillis();
        String webhooks = "http://127.0.0.1:" + http + "/webhooks/stripe/training";
        for (int i = 0; i < WEBHOOKS; i++) {
            String body = event("evt_aot_" + runId + "_" + i, "in_aot_" + runId + "_" + (i % 8));
            expect(200, client, signed(webhooks, body, SECRET));
        }
        String again = event("evt_aot_" + runId + "_0", "in_aot_" + runId + "_0");
        expect(200, client, signed(webhooks, again, SECRET));
        expect(400, client, signed(webhooks, again, "whsec_not_the_secret"));
        String base = "http://127.0.0.1:" + management;
        expect(200, client, HttpRequest.newBuilder(URI.create(base + "/q/metrics")).build());
        expect(200, client, HttpRequest.newBuilder(URI.create(base + "/q/health/live")).build());
        expect(200, client, HttpRequest.newBuilder(URI.create(base + "/admin/events?account=training&limit=10")).build());
    }

    private static String event(String id, String invoice) {
        long created = Instant.now().getEpochSecond();
        return "{\"id\":\"" + id + "\",\"object\":\"event\",\"api_version\":\"2024-06-20\",\"created\":" + created
                + ",\"livemode\":false,\"type\":\"invoice.payment_succeeded\",\"data\":{\"object\":{\"id\":\""
                + invoice + "\",\"object\":\"invoice\",\"amount_paid\":2000,\"currency\":\"usd\",\"created\":"
                + created + ",\"customer\":\"cus_aot_training\",\"status\":\"paid\"}}}";
    }

    private static HttpRequest signed(String url, String body, String secret) throws Exception {
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String v1 = HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .header("Stripe-Signature", "t=" + timestamp + ",v1=" + v1)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static void expect(int status, HttpClient client, HttpRequest request) throws Exception {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != status) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                    + response.statusCode() + " instead of " + status + ": " + response.body());
        }
    }

    private static void awaitReady(HttpClient client, Process app, int management) throws Exception {
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .build();
        Instant deadline = Instant.now().plus(READY_DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            if (!app.isAlive()) {
                throw new IllegalStateException("the application stopped before it was ready");
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // the management port opens during the start
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the application was not ready within " + READY_DEADLINE);
    }

    private static List<String> java(String... options) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:AOTCacheOutput=app.aot");
        command.add("-Dpaybridge.accounts.training.webhook-secrets=" + SECRET);
        command.addAll(List.of(options));
        command.add("-jar");
        command.add("quarkus-run.jar");
        return command;
    }

    private static Process start(List<String> command, Path appDir, File log, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(appDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log);
        // Only the options above configure the run: a build whose environment configures a
        // Salesforce org, a Stripe key or another database must not reach them from here.
        builder.environment().keySet().removeIf(name -> name.startsWith("PAYBRIDGE_") || name.startsWith("QUARKUS_"));
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static int exit(Process app) throws InterruptedException {
        if (!app.waitFor(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            app.destroyForcibly();
            throw new IllegalStateException("the training run did not end within " + EXIT_DEADLINE);
        }
        return app.exitValue();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
