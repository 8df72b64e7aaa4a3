import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The Stripe Events API ({@code GET /v1/events}) of an account with {@code --per-day} events a day,
 * for the reconciliation benchmark (scripts/bench-reconcile). JDK only, run as a source file:
 *
 * <pre>java bench/reconcile/FakeStripeEvents.java --port 18401 --api-key sk_test_... --per-day 100000
 *        [--failed-per-day 17] [--fixtures ../shared/fixtures/stripe]</pre>
 *
 * <p>The account holds 30 days of events (what Stripe keeps), event n created
 * {@code n * 86400 / per-day} seconds before the fake started, so n = 0 is the newest. Event n is
 * the snapshot fixture number {@code n mod 26} (the 26 of shared/fixtures/stripe, by file name) under its own id
 * {@code evt_1Bench<n>} and time: real shapes, nothing else changed. Events are made when a page
 * is answered, never held, so 3,000,000 cost no memory.
 *
 * <p>As Stripe answers it: newest first; {@code limit} 1 to 100 (10 by default, 400 above);
 * {@code starting_after} (400 for an id it never listed); {@code created[gte|gt|lte|lt]} and
 * {@code created}; {@code type} (an event name, or a group with {@code *}) or {@code types[]} (up to
 * 20 names), not both; {@code delivery_success}: {@code false} lists the events whose webhook
 * deliveries failed (one event in {@code per-day / failed-per-day}, 0 for none), {@code true} the
 * others; {@code has_more}; 401 without the key. {@code ending_before} is answered 400: Paybridge
 * does not use it, and a benchmark must not count a listing the fake answers wrongly.
 *
 * <p>{@code GET /bench/stats}: {@code calls=N failed_delivery_calls=N other_calls=N events=N
 * refused=N}, counted since the start or {@code POST /bench/reset}.
 */
public final class FakeStripeEvents {

    private static final long DAY = 86_400;
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"[^\"]*\"");
    private static final Pattern CREATED = Pattern.compile("\"created\"\\s*:\\s*\\d+");

    /** A fixture split where its envelope's id and created go: before, between, after. */
    record Template(String type, String head, String middle, String tail) {
        byte[] event(String id, long created) {
            return (head + "\"id\": \"" + id + "\"" + middle + "\"created\": " + created + tail).getBytes(StandardCharsets.UTF_8);
        }
    }

    private final List<Template> templates;
    private final long anchor = System.currentTimeMillis() / 1000;
    private final long perDay;
    private final long total;
    private final long failedEvery;
    private final String apiKey;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failedDeliveryCalls = new AtomicLong();
    private final AtomicLong otherCalls = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    FakeStripeEvents(List<Template> templates, long perDay, long failedPerDay, String apiKey) {
        this.templates = templates;
        this.perDay = perDay;
        this.total = perDay * 30;
        this.failedEvery = failedPerDay <= 0 ? 0 : Math.max(1, perDay / failedPerDay);
        this.apiKey = apiKey;
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        FakeStripeEvents fake = new FakeStripeEvents(
                templates(Path.of(options.getOrDefault("fixtures", "../shared/fixtures/stripe"))),
                Long.parseLong(options.getOrDefault("per-day", "100000")),
                Long.parseLong(options.getOrDefault("failed-per-day", "17")),
                options.getOrDefault("api-key", "sk_test_bench"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(options.get("port"))), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", fake::handle);
        server.start();
        System.out.printf("fake Stripe Events API on port %s: %d events a day, %d templates, failed deliveries: one in %d%n",
                options.get("port"), fake.perDay, fake.templates.size(), fake.failedEvery);
    }

    static List<Template> templates(Path fixtures) throws IOException {
        List<Template> templates = new ArrayList<>();
        try (Stream<Path> files = Files.list(fixtures)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("[a-z_]+(\\.[a-z_]+)+\\.json")).sorted().toList()) {
                String json = Files.readString(file, StandardCharsets.UTF_8);
                // The envelope's id and created come first in every fixture, before data.object's.
                Matcher id = ID.matcher(json);
                Matcher created = CREATED.matcher(json);
                if (!id.find() || !created.find() || id.end() > created.start()) {
                    throw new IllegalArgumentException(file + ": no envelope id before created");
                }
                templates.add(new Template(typeOf(json, file), json.substring(0, id.start()), json.substring(id.end(), created.start()),
                        json.substring(created.end())));
            }
        }
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("no fixture events in " + fixtures);
        }
        return templates;
    }

    /** The envelope's type is the file's name (invoice.paid.json), which the fixtures keep equal to it. */
    private static String typeOf(String json, Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        if (!json.contains("\"type\": \"" + name + "\"") && !json.contains("\"type\":\"" + name + "\"")) {
            throw new IllegalArgumentException(file + ": its type is not " + name);
        }
        return name;
    }

    private long created(long n) {
        return anchor - n * DAY / perDay;
    }

    private boolean failed(long n) {
        return failedEvery > 0 && n % failedEvery == failedEvery / 2;
    }

    private String id(long n) {
        return "evt_1Bench" + String.format("%010d", n);
    }

    /** The first n in [0, total) whose created is at most {@code time}, or total. */
    private long firstAtOrBefore(long time) {
        long low = 0;
        long high = total;
        while (low < high) {
            long middle = (low + high) >>> 1;
            if (created(middle) <= time) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/bench/stats")) {
                send(exchange, 200, "calls=%d failed_delivery_calls=%d other_calls=%d events=%d refused=%d".formatted(
                        calls.get(), failedDeliveryCalls.get(), otherCalls.get(), events.get(), refused.get()));
            } else if (path.equals("/bench/reset") && exchange.getRequestMethod().equals("POST")) {
                for (AtomicLong counter : List.of(calls, failedDeliveryCalls, otherCalls, events, refused)) {
                    counter.set(0);
                }
                send(exchange, 200, "{}");
            } else if (path.equals("/v1/events") && exchange.getRequestMethod().equals("GET")) {
                list(exchange);
            } else {
                send(exchange, 404, error("Unrecognized request URL (" + exchange.getRequestMethod() + ": " + path + ")."));
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private void list(HttpExchange exchange) throws IOException {
        calls.incrementAndGet();
        if (!("Bearer " + apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            refuse(exchange, 401, "Invalid API Key provided: sk_test_****************0000");
            return;
        }
        Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
        String deliverySuccess = one(query, "delivery_success");
        (deliverySuccess == null ? otherCalls : failedDeliveryCalls).incrementAndGet();
        int limit = one(query, "limit") == null ? 10 : Integer.parseInt(one(query, "limit"));
        if (limit < 1 || limit > 100) {
            refuse(exchange, 400, "Invalid integer: limit must be between 1 and 100");
            return;
        }
        if (one(query, "ending_before") != null) {
            refuse(exchange, 400, "ending_before is not supported by this benchmark fake");
            return;
        }
        // Newest first: n from `from` (inclusive) to `to` (exclusive).
        long from = 0;
        long to = total;
        if (one(query, "created") != null) {
            long exact = Long.parseLong(one(query, "created"));
            from = firstAtOrBefore(exact);
            to = firstAtOrBefore(exact - 1);
        }
        if (one(query, "created[lte]") != null) {
            from = Math.max(from, firstAtOrBefore(Long.parseLong(one(query, "created[lte]"))));
        }
        if (one(query, "created[lt]") != null) {
            from = Math.max(from, firstAtOrBefore(Long.parseLong(one(query, "created[lt]")) - 1));
        }
        if (one(query, "created[gte]") != null) {
            to = Math.min(to, firstAtOrBefore(Long.parseLong(one(query, "created[gte]")) - 1));
        }
        if (one(query, "created[gt]") != null) {
            to = Math.min(to, firstAtOrBefore(Long.parseLong(one(query, "created[gt]"))));
        }
        String after = one(query, "starting_after");
        if (after != null) {
            if (!after.matches("evt_1Bench\\d{10}")) {
                refuse(exchange, 400, "No such event: '" + after + "'");
                return;
            }
            from = Math.max(from, Long.parseLong(after.substring("evt_1Bench".length())) + 1);
        }
        LongPredicate matches = n -> true;
        if (deliverySuccess != null) {
            boolean success = Boolean.parseBoolean(deliverySuccess);
            matches = n -> failed(n) != success;
        }
        List<String> types = types(query);
        if (types == null) {
            refuse(exchange, 400, "You may pass either type or types, but not both, and at most 20 types");
            return;
        }
        if (!types.isEmpty()) {
            LongPredicate byDelivery = matches;
            matches = n -> byDelivery.test(n) && types.stream().anyMatch(type -> typeMatches(type, templates.get((int) (n % templates.size())).type()));
        }
        StringBuilder page = new StringBuilder(limit * 3_000).append("{\"object\":\"list\",\"data\":[");
        int listed = 0;
        boolean more = false;
        for (long n = from; n < to; n++) {
            if (!matches.test(n)) {
                continue;
            }
            if (listed == limit) {
                more = true;
                break;
            }
            page.append(listed == 0 ? "" : ",")
                    .append(new String(templates.get((int) (n % templates.size())).event(id(n), created(n)), StandardCharsets.UTF_8));
            listed++;
        }
        page.append("],\"has_more\":").append(more).append(",\"url\":\"/v1/events\"}");
        events.addAndGet(listed);
        send(exchange, 200, page.toString());
    }

    /** The names of {@code type} or {@code types[]}; empty for no filter, null for both or more than 20. */
    private static List<String> types(Map<String, List<String>> query) {
        List<String> types = new ArrayList<>();
        query.forEach((name, values) -> {
            if (name.matches("types\\[\\d*]")) {
                types.addAll(values);
            }
        });
        String type = one(query, "type");
        if (type != null && !types.isEmpty() || types.size() > 20) {
            return null;
        }
        return type == null ? types : List.of(type);
    }

    private static boolean typeMatches(String filter, String type) {
        return filter.endsWith("*") ? type.startsWith(filter.substring(0, filter.length() - 1)) : filter.equals(type);
    }

    private void refuse(HttpExchange exchange, int status, String message) throws IOException {
        refused.incrementAndGet();
        send(exchange, status, error(message));
    }

    private static String error(String message) {
        return "{\"error\":{\"message\":\"" + message.replace("\"", "'") + "\",\"type\":\"invalid_request_error\"}}";
    }

    private static String one(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null ? null : values.get(0);
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        }
        return query;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Request-Id", "req_bench" + Long.toHexString(System.nanoTime()));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
