import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The Salesforce that scripts/bench-delivery delivers to: a process of its own, outside the
 * application's JVM, so that the benchmark measures the packaged application the way a user runs
 * it. JDK only (the JDK's HTTP server, one virtual thread per request), run as a source file:
 *
 *   java bench/delivery/FakeSalesforce.java --port 18300 [--latency-ms 100] [--api-limit 5000000] [--calls-log FILE]
 *
 * It answers what Paybridge calls, in the shapes of shared/fixtures/salesforce.md:
 *   POST  /services/oauth2/token                                     client credentials: a token and
 *                                                                    an instance_url that is this server
 *   PATCH /services/data/{v}/composite/sobjects/{SObject}/{Field}    sObject Collections upsert: after
 *                                                                    the latency, one success per record
 *   GET   /services/data/{v}/limits                                  the org's DailyApiRequests (Paybridge
 *                                                                    reads it while over its API budget)
 * and, for the benchmark:
 *   GET   /bench/stats    one line: tokens, calls, records, refused, first_request_ms (token, call, or
 *                         read of the Limits resource that found the allowance free), first_call_ms,
 *                         last_call_ms, max_in_flight, in_flight (calls being answered now)
 *   POST  /bench/reset    zeroes them (between runs), and empties the calls log
 *   POST  /bench/usage?spent=true|false   while true, every usage header and the Limits resource
 *                         report the org's daily allowance as spent (the benchmark pauses delivery
 *                         this way, through Paybridge's max-api-usage, while it stores a backlog)
 * The counts are printed again on exit. With --calls-log, every answered upsert call also adds a
 * line "{epoch ms} {SObject} {records}" to FILE: how a drain cut its records into calls.
 */
public class FakeSalesforce {

    private static final String JSON = "application/json;charset=UTF-8";

    private final long latencyMillis;
    private final long apiLimit;
    private final String instanceUrl;
    /** Tokens issued; a call with any other one is refused like an expired session. */
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    /** Never reset: Salesforce's daily usage only grows, and record ids stay unique. */
    private final AtomicLong apiUsage = new AtomicLong();
    private final AtomicLong recordIds = new AtomicLong();
    private volatile boolean allowanceSpent;
    /** Where each answered call is written down; null when not asked for. */
    private final Path callsLog;

    private final AtomicLong tokenCount = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong firstRequestMillis = new AtomicLong();
    private final AtomicLong firstCallMillis = new AtomicLong();
    private final AtomicLong lastCallMillis = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    FakeSalesforce(long latencyMillis, long apiLimit, int port, Path callsLog) {
        this.latencyMillis = latencyMillis;
        this.apiLimit = apiLimit;
        this.instanceUrl = "http://127.0.0.1:" + port;
        this.callsLog = callsLog;
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = options(args);
        int port = Integer.parseInt(options.getOrDefault("port", "18300"));
        FakeSalesforce fake = new FakeSalesforce(Long.parseLong(options.getOrDefault("latency-ms", "100")),
                Long.parseLong(options.getOrDefault("api-limit", "5000000")), port,
                options.containsKey("calls-log") ? Path.of(options.get("calls-log")) : null);
        fake.emptyCallsLog();
        // Loopback only; a deep accept backlog so that a burst of connections is not refused.
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/services/oauth2/token", fake::token);
        server.createContext("/services/data/", fake::data);
        server.createContext("/bench/", fake::bench);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println(
                "fake Salesforce, since the last reset: " + fake.stats() + "; calls since the start: " + fake.apiUsage.get())));
        server.start();
        System.out.println("fake Salesforce on " + fake.instanceUrl + ", latency " + fake.latencyMillis + " ms");
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "{\"error\":\"invalid_request\",\"error_description\":\"must use HTTP POST\"}");
                return;
            }
            if (!"client_credentials".equals(form.get("grant_type"))) {
                send(exchange, 400, "{\"error\":\"unsupported_grant_type\",\"error_description\":\"grant type not supported\"}");
                return;
            }
            if (form.getOrDefault("client_id", "").isEmpty() || form.getOrDefault("client_secret", "").isEmpty()) {
                send(exchange, 400, "{\"error\":\"invalid_client\",\"error_description\":\"invalid client credentials\"}");
                return;
            }
            firstRequestMillis.compareAndSet(0, System.currentTimeMillis());
            String token = "00DBENCH000000!" + UUID.randomUUID().toString().replace("-", "");
            tokens.add(token);
            tokenCount.incrementAndGet();
            send(exchange, 200, "{\"access_token\":\"" + token + "\",\"signature\":\"bench\",\"token_format\":\"opaque\","
                    + "\"instance_url\":\"" + instanceUrl + "\",\"id\":\"" + instanceUrl + "/id/00DBENCH000000/005BENCH000000\","
                    + "\"token_type\":\"Bearer\",\"issued_at\":\"" + System.currentTimeMillis() + "\"}");
        }
    }

    private void data(HttpExchange exchange) throws IOException {
        if (exchange.getRequestURI().getPath().matches("/services/data/v\\d+\\.0/limits/?")) {
            limits(exchange);
        } else {
            upsert(exchange);
        }
    }

    /** The Limits resource: a call that counts, so it carries the usage header too. */
    private void limits(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            if (!authorized(exchange)) {
                refuse(exchange, 401, "INVALID_SESSION_ID", "Session expired or invalid");
                return;
            }
            long used = usage();
            if (!allowanceSpent) {
                // The answer that ends a budget pause: the replica claims as soon as it reads it, so a
                // drain timed from its first call would leave out its first claim and mapping.
                firstRequestMillis.compareAndSet(0, System.currentTimeMillis());
            }
            exchange.getResponseHeaders().set("Sforce-Limit-Info", "api-usage=" + used + "/" + apiLimit);
            send(exchange, 200, "{\"DailyApiRequests\":{\"Max\":" + apiLimit + ",\"Remaining\":" + Math.max(0, apiLimit - used) + "}}");
        }
    }

    private boolean authorized(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        return authorization != null && authorization.startsWith("Bearer ") && tokens.contains(authorization.substring(7));
    }

    private void upsert(HttpExchange exchange) throws IOException {
        long arrived = System.nanoTime();
        firstRequestMillis.compareAndSet(0, System.currentTimeMillis());
        firstCallMillis.compareAndSet(0, System.currentTimeMillis());
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            // /services/data/{v}/composite/sobjects/{SObject}/{ExternalIdField}
            String[] path = exchange.getRequestURI().getPath().split("/");
            if (path.length != 8 || !path[3].matches("v\\d+\\.0") || !"composite".equals(path[4]) || !"sobjects".equals(path[5])) {
                refuse(exchange, 404, "NOT_FOUND", "The requested resource does not exist");
                return;
            }
            if (!"PATCH".equals(exchange.getRequestMethod())) {
                refuse(exchange, 405, "METHOD_NOT_ALLOWED", "HTTP Method '" + exchange.getRequestMethod() + "' not allowed");
                return;
            }
            if (!authorized(exchange)) {
                refuse(exchange, 401, "INVALID_SESSION_ID", "Session expired or invalid");
                return;
            }
            int count = Records.count(body);
            if (count < 1) {
                refuse(exchange, 400, "JSON_PARSER_ERROR", "expected {\"allOrNone\":false,\"records\":[...]}");
                return;
            }
            if (count > 200) {
                refuse(exchange, 400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call");
                return;
            }
            StringBuilder results = new StringBuilder(count * 72).append('[');
            for (int i = 0; i < count; i++) {
                results.append(i == 0 ? "" : ",").append("{\"id\":\"").append(recordId())
                        .append("\",\"success\":true,\"errors\":[],\"created\":true}");
            }
            results.append(']');
            // The latency runs from the request's arrival, as a remote org's would.
            long left = latencyMillis - (System.nanoTime() - arrived) / 1_000_000;
            if (left > 0) {
                Thread.sleep(left);
            }
            exchange.getResponseHeaders().set("Sforce-Limit-Info", "api-usage=" + usage() + "/" + apiLimit);
            send(exchange, 200, results.toString());
            calls.incrementAndGet();
            records.addAndGet(count);
            logCall(path[6], count);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
            lastCallMillis.set(System.currentTimeMillis());
        }
    }

    private void bench(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            switch (exchange.getRequestURI().getPath()) {
                case "/bench/stats" -> send(exchange, 200, stats() + "\n");
                case "/bench/reset" -> {
                    tokenCount.set(0);
                    calls.set(0);
                    records.set(0);
                    refused.set(0);
                    firstRequestMillis.set(0);
                    firstCallMillis.set(0);
                    lastCallMillis.set(0);
                    maxInFlight.set(inFlight.get());
                    emptyCallsLog();
                    send(exchange, 200, "reset\n");
                }
                case "/bench/usage" -> {
                    String query = String.valueOf(exchange.getRequestURI().getQuery());
                    if (!query.matches("spent=(true|false)")) {
                        send(exchange, 400, "expected ?spent=true or ?spent=false\n");
                        return;
                    }
                    allowanceSpent = query.endsWith("true");
                    send(exchange, 200, "spent=" + allowanceSpent + "\n");
                }
                default -> send(exchange, 404, "unknown\n");
            }
        }
    }

    private synchronized void logCall(String sobject, int count) throws IOException {
        if (callsLog != null) {
            Files.writeString(callsLog, System.currentTimeMillis() + " " + sobject + " " + count + "\n", StandardOpenOption.APPEND);
        }
    }

    private synchronized void emptyCallsLog() throws IOException {
        if (callsLog != null) {
            Files.writeString(callsLog, "", StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        }
    }

    private String stats() {
        return "tokens=" + tokenCount.get() + " calls=" + calls.get() + " records=" + records.get() + " refused=" + refused.get()
                + " first_request_ms=" + firstRequestMillis.get() + " first_call_ms=" + firstCallMillis.get() + " last_call_ms=" + lastCallMillis.get()
                + " max_in_flight=" + maxInFlight.get() + " in_flight=" + inFlight.get();
    }

    /** This call's place in the org's daily usage: the whole allowance while it is said to be spent. */
    private long usage() {
        long used = apiUsage.incrementAndGet();
        return allowanceSpent ? Math.max(used, apiLimit) : used;
    }

    /** 18 characters like a real record id: a key prefix and a counter. */
    private String recordId() {
        String counter = Long.toString(recordIds.incrementAndGet(), 36).toUpperCase();
        return "a0X" + "0".repeat(15 - counter.length()) + counter;
    }

    /** A REST error: Salesforce wraps it in an array. */
    private void refuse(HttpExchange exchange, int status, String code, String message) throws IOException {
        refused.incrementAndGet();
        send(exchange, status, "[{\"message\":\"" + message.replace("\"", "\\\"") + "\",\"errorCode\":\"" + code + "\",\"fields\":[]}]");
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", JSON);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }

    /**
     * Counts the elements of the top-level {@code "records"} array with a single pass over the
     * bytes (strings and nesting tracked), so that the fake needs no JSON library and a value that
     * happens to contain braces cannot fool it. -1 when the body has no such array.
     */
    static final class Records {

        static int count(byte[] json) {
            int depth = 0;
            int recordsDepth = -1;
            boolean afterRecordsKey = false;
            int count = -1;
            for (int i = 0; i < json.length; i++) {
                byte c = json[i];
                if (c == '"') {
                    int end = endOfString(json, i);
                    if (depth == 1 && recordsKey(json, i + 1, end)) {
                        afterRecordsKey = true;
                    }
                    i = end;
                } else if (c == '[' || c == '{') {
                    if (afterRecordsKey && c == '[') {
                        recordsDepth = depth + 1;
                        count = 0;
                    } else if (depth == recordsDepth && c == '{') {
                        count++;
                    }
                    afterRecordsKey = false;
                    depth++;
                } else if (c == ']' || c == '}') {
                    depth--;
                    if (depth < recordsDepth) {
                        recordsDepth = -1;
                    }
                } else if (c == ',') {
                    afterRecordsKey = false;
                }
            }
            return count;
        }

        /** Index of the closing quote of the string opening at {@code start}. */
        private static int endOfString(byte[] json, int start) {
            for (int i = start + 1; i < json.length; i++) {
                if (json[i] == '\\') {
                    i++;
                } else if (json[i] == '"') {
                    return i;
                }
            }
            return json.length;
        }

        private static boolean recordsKey(byte[] json, int from, int to) {
            return to - from == 7 && new String(json, from, 7, StandardCharsets.US_ASCII).equals("records");
        }
    }
}
