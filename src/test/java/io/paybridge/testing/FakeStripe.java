package io.paybridge.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * The Stripe Events API at the HTTP level ({@code GET /v1/events}): newest first, {@code created[gte]},
 * {@code delivery_success}, {@code type} (one type, or a group with {@code *}) or {@code types[]} (up
 * to 20, not both), {@code limit} and {@code starting_after} pagination, {@code has_more}, and
 * Stripe's error shape for a wrong API key, a rate limit (429) and an outage (500). Also the objects
 * thin events name ({@code GET /v1/invoices/{id}}, {@code /v1/payment_intents/{id}},
 * {@code /v1/payouts/{id}}): the fixtures of {@code objects/} and whatever a test puts there, per
 * {@code Stripe-Context} (a connected account's object is not found without it, as on Stripe), with
 * scripted answers (404, 429, 500, slow) ahead of them.
 */
public final class FakeStripe {

    public static final String API_KEY = "sk_test_51FakePaybridgeBackfillKey0001";
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** System property with the URL of this JVM's one fake; a String, as system properties must hold. */
    private static final String SHARED_URL = "paybridge.test.fake-stripe-url";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern OBJECT_PATH = Pattern.compile("/v1/(invoices|payment_intents|payouts)/([A-Za-z0-9_]+)");
    /** The connected account of the fixtures (thin/v1.payout.paid.connect.json's context). */
    public static final String CONNECT_ACCOUNT = "acct_1TQk0aR2hXk9LmQa";

    private final String url;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> listRequests = new CopyOnWriteArrayList<>();
    /** Ids of held events whose webhooks Stripe delivered ({@code delivery_success=true}). */
    private final java.util.Set<String> delivered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Statuses the next list calls are answered with, one each, before the real answers resume. */
    private final java.util.Queue<Integer> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile int latencyMillis;
    /** Objects by Stripe-Context ("" for the platform) and path. */
    private final Map<String, JsonNode> objects = new ConcurrentHashMap<>();
    /** Scripted answers by path, used up one per request before the object is answered. */
    private final Map<String, Deque<JsonNode>> scripted = new ConcurrentHashMap<>();
    private final List<Map<String, String>> objectRequests = new CopyOnWriteArrayList<>();

    private FakeStripe(String url) {
        this.url = url;
    }

    /**
     * A handle on the one fake of this JVM, started on first use and stopped with the JVM. Command
     * tests start the application once per launch, in a class loader of its own: the fake must
     * outlive each launch, and every class loader's handle reaches the same server, driven over
     * HTTP ({@code /__fake/*}) rather than through shared objects.
     */
    public static FakeStripe shared() {
        synchronized (FakeStripe.class) {
            String url = System.getProperty(SHARED_URL);
            if (url == null) {
                WireMockServer server = server();
                Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
                url = "http://127.0.0.1:" + server.port();
                System.setProperty(SHARED_URL, url);
            }
            return new FakeStripe(url);
        }
    }

    /**
     * A fake of the caller's own, for a test beside others that use the shared one (the fault suite
     * runs beside the integration tests); stop it with the returned handle's server.
     */
    public static Owned startOwn() {
        WireMockServer server = server();
        return new Owned(new FakeStripe("http://127.0.0.1:" + server.port()), server);
    }

    /** A fake started by {@link #startOwn()}. */
    public record Owned(FakeStripe fake, WireMockServer server) implements AutoCloseable {
        @Override
        public void close() {
            server.stop();
        }
    }

    private static WireMockServer server() {
        FakeStripe owner = new FakeStripe(null);
        owner.holdFixtureObjects();
        WireMockServer server = new WireMockServer(wireMockConfig()
                .dynamicPort()
                .bindAddress("127.0.0.1")
                .disableRequestJournal()
                .extensions(new Behaviour(owner)));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404)));
        return server;
    }

    public String url() {
        return url;
    }

    public void reset() {
        control("POST", "/__fake/reset", "");
    }

    /** Adds events Stripe holds; the list answers them newest first as Stripe does. */
    public void holds(List<byte[]> bodies) {
        ArrayNode array = JSON.createArrayNode();
        bodies.forEach(body -> array.add(tree(body)));
        control("POST", "/__fake/events", array.toString());
    }

    /**
     * Adds events whose webhooks Stripe delivered: listed without a filter and with
     * {@code delivery_success=true}, not with {@code delivery_success=false}. Events added by
     * {@link #holds} are the ones whose deliveries failed.
     */
    public void holdsDelivered(List<byte[]> bodies) {
        ArrayNode array = JSON.createArrayNode();
        bodies.forEach(body -> array.add(tree(body)));
        control("POST", "/__fake/delivered", array.toString());
    }

    /** The next {@code count} list calls are answered {@code status} (429 or 500) with Stripe's error body. */
    public void failNext(int count, int status) {
        control("POST", "/__fake/fail", "{\"count\":" + count + ",\"status\":" + status + "}");
    }

    /** Every list call is answered after {@code delay}. */
    public void latency(java.time.Duration delay) {
        control("POST", "/__fake/latency", "{\"millis\":" + delay.toMillis() + "}");
    }

    /**
     * Puts an object where the API answers it ({@code /v1/<type>s/<id>}), for the platform or, with
     * a context, for that connected account only.
     */
    public void holdsObject(String context, byte[] object) {
        ObjectNode control = JSON.createObjectNode();
        control.put("context", context == null ? "" : context);
        control.set("object", tree(object));
        control("POST", "/__fake/objects", control.toString());
    }

    public void holdsObject(byte[] object) {
        holdsObject(null, object);
    }

    /**
     * The next requests of {@code path} get these answers, one each, before the object is answered
     * again: an HTTP status with Stripe's error body (404, 429, 500), or 200 (the object).
     */
    public void answersNext(String path, int... statuses) {
        for (int status : statuses) {
            script(path, status, 0);
        }
    }

    /** The next request of {@code path} is answered (with the object) only after {@code delay}. */
    public void slowNext(String path, Duration delay) {
        script(path, 200, delay.toMillis());
    }

    private void script(String path, int status, long delayMillis) {
        ObjectNode control = JSON.createObjectNode().put("path", path).put("status", status).put("delayMs", delayMillis);
        control("POST", "/__fake/script", control.toString());
    }

    /** Every object request so far: {@code path}, {@code context} ("" when none), {@code status} answered. */
    public List<Map<String, String>> objectRequests() {
        try {
            return JSON.readValue(control("GET", "/__fake/object-requests", null),
                    new com.fasterxml.jackson.core.type.TypeReference<List<Map<String, String>>>() {
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many times {@code path} was requested. */
    public long requestsOf(String path) {
        return objectRequests().stream().filter(request -> path.equals(request.get("path"))).count();
    }

    /** The query parameters of every list call, in order. */
    public List<Map<String, String>> listRequests() {
        try {
            return JSON.readValue(control("GET", "/__fake/requests", null),
                    new com.fasterxml.jackson.core.type.TypeReference<List<Map<String, String>>>() {
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String control(String method, String path, String body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path));
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("fake Stripe control " + path + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private ResponseDefinition controlled(Request request, String path) {
        switch (path) {
            case "/__fake/reset" -> {
                events.clear();
                listRequests.clear();
                delivered.clear();
                failures.clear();
                latencyMillis = 0;
                objects.clear();
                scripted.clear();
                objectRequests.clear();
                holdFixtureObjects();
                return answer(200, "{}");
            }
            case "/__fake/objects" -> {
                JsonNode control = tree(request.getBody());
                JsonNode object = control.path("object");
                objects.put(control.path("context").asText() + " " + pathOf(object), object);
                return answer(200, "{}");
            }
            case "/__fake/script" -> {
                JsonNode control = tree(request.getBody());
                scripted.computeIfAbsent(control.path("path").asText(), key -> new ConcurrentLinkedDeque<>()).add(control);
                return answer(200, "{}");
            }
            case "/__fake/object-requests" -> {
                try {
                    return answer(200, JSON.writeValueAsString(objectRequests));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case "/__fake/events" -> {
                tree(request.getBody()).forEach(events::add);
                return answer(200, "{}");
            }
            case "/__fake/delivered" -> {
                tree(request.getBody()).forEach(event -> {
                    delivered.add(event.path("id").asText());
                    events.add(event);
                });
                return answer(200, "{}");
            }
            case "/__fake/fail" -> {
                JsonNode failure = tree(request.getBody());
                for (int i = 0; i < failure.path("count").asInt(); i++) {
                    failures.add(failure.path("status").asInt());
                }
                return answer(200, "{}");
            }
            case "/__fake/latency" -> {
                latencyMillis = tree(request.getBody()).path("millis").asInt();
                return answer(200, "{}");
            }
            case "/__fake/requests" -> {
                try {
                    return answer(200, JSON.writeValueAsString(listRequests));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            default -> {
                return answer(404, "{}");
            }
        }
    }

    private ResponseDefinition list(Request request) {
        String authorization = request.getHeader("Authorization");
        if (!("Bearer " + API_KEY).equals(authorization)) {
            return answer(401, """
                    {"error":{"message":"Invalid API Key provided: sk_test_****************0000","type":"invalid_request_error"}}""");
        }
        Map<String, String> query = new java.util.TreeMap<>();
        for (String name : List.of("created[gte]", "delivery_success", "limit", "starting_after")) {
            QueryParameter parameter = request.queryParameter(name);
            if (parameter.isPresent()) {
                query.put(name, parameter.firstValue());
            }
        }
        List<String> types = new ArrayList<>();
        for (int i = 0; request.queryParameter("types[" + i + "]").isPresent(); i++) {
            types.add(request.queryParameter("types[" + i + "]").firstValue());
        }
        if (!types.isEmpty()) {
            query.put("types", String.join(",", types));
        }
        QueryParameter type = request.queryParameter("type");
        if (type.isPresent()) {
            query.put("type", type.firstValue());
            types.add(type.firstValue());
        }
        listRequests.add(query);
        if (query.containsKey("type") && query.containsKey("types") || types.size() > 20) {
            return answer(400, """
                    {"error":{"message":"You may pass either type or types, but not both, and at most 20 types.","type":"invalid_request_error"}}""");
        }
        Integer failure = failures.poll();
        if (failure != null) {
            return delayed(failure == 429
                    ? answer(429, """
                            {"error":{"code":"rate_limit","message":"Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.","type":"invalid_request_error"}}""")
                    : answer(failure, """
                            {"error":{"message":"An unknown error occurred.","type":"api_error"}}"""));
        }
        String deliverySuccess = query.get("delivery_success");
        long gte = Long.parseLong(query.getOrDefault("created[gte]", "0"));
        int limit = Integer.parseInt(query.getOrDefault("limit", "10"));
        List<JsonNode> matching = new ArrayList<>(events.stream()
                .filter(event -> event.path("created").asLong() >= gte)
                .filter(event -> deliverySuccess == null
                        || Boolean.parseBoolean(deliverySuccess) == delivered.contains(event.path("id").asText()))
                .filter(event -> types.isEmpty() || types.stream().anyMatch(filter -> typeMatches(filter, event.path("type").asText())))
                .sorted(Comparator.comparingLong((JsonNode event) -> event.path("created").asLong())
                        .thenComparing(event -> event.path("id").asText()).reversed())
                .toList());
        String after = query.get("starting_after");
        if (after != null) {
            int index = indexOf(matching, after);
            if (index < 0) {
                return answer(400, """
                        {"error":{"code":"resource_missing","message":"No such event: '%s'","param":"starting_after","type":"invalid_request_error"}}"""
                        .formatted(after));
            }
            matching = matching.subList(index + 1, matching.size());
        }
        ObjectNode page = JSON.createObjectNode().put("object", "list");
        ArrayNode data = page.putArray("data");
        matching.stream().limit(limit).forEach(data::add);
        page.put("has_more", matching.size() > limit);
        page.put("url", "/v1/events");
        try {
            return delayed(answer(200, JSON.writeValueAsString(page)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ResponseDefinition delayed(ResponseDefinition response) {
        int millis = latencyMillis;
        return millis == 0 ? response
                : com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.like(response).withFixedDelay(millis).build();
    }

    /** The objects of the fixtures where Stripe answers them; the connected account's payout under its context. */
    private void holdFixtureObjects() {
        for (String name : List.of("invoice", "payment_intent", "payout")) {
            JsonNode object = tree(StripeFixtures.object(name));
            objects.put(" " + pathOf(object), object);
        }
        JsonNode connect = tree(StripeFixtures.object("payout.connect"));
        objects.put(CONNECT_ACCOUNT + " " + pathOf(connect), connect);
    }

    private static String pathOf(JsonNode object) {
        return "/v1/" + object.path("object").asText() + "s/" + object.path("id").asText();
    }

    private ResponseDefinition object(Request request, String path) {
        String context = request.containsHeader("Stripe-Context") ? request.getHeader("Stripe-Context") : "";
        ResponseDefinition answer = objectAnswer(request, path, context);
        Map<String, String> logged = new TreeMap<>();
        logged.put("path", path);
        logged.put("context", context);
        logged.put("status", String.valueOf(answer.getStatus()));
        objectRequests.add(logged);
        return answer;
    }

    private ResponseDefinition objectAnswer(Request request, String path, String context) {
        if (!("Bearer " + API_KEY).equals(request.getHeader("Authorization"))) {
            return answer(401, """
                    {"error":{"code":"api_key_invalid","message":"Invalid API Key provided: sk_test_****************0000","type":"invalid_request_error"}}""");
        }
        Deque<JsonNode> queue = scripted.get(path);
        JsonNode next = queue == null ? null : queue.poll();
        int status = next == null ? 200 : next.path("status").asInt();
        long delay = next == null ? 0 : next.path("delayMs").asLong();
        JsonNode object = objects.get(context + " " + path);
        if (status == 200 && object == null) {
            status = 404;
        }
        ResponseDefinition answer = switch (status) {
            case 200 -> answer(200, object.toString());
            case 404 -> {
                Matcher matcher = OBJECT_PATH.matcher(path);
                matcher.matches();
                String type = matcher.group(1).substring(0, matcher.group(1).length() - 1);
                yield answer(404, """
                        {"error":{"code":"resource_missing","doc_url":"https://stripe.com/docs/error-codes/resource-missing","message":"No such %s: '%s'","param":"id","type":"invalid_request_error"}}"""
                        .formatted(type, matcher.group(2)));
            }
            case 429 -> answer(429, """
                    {"error":{"code":"rate_limit","doc_url":"https://stripe.com/docs/error-codes/rate-limit","message":"Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.","type":"invalid_request_error"}}""");
            default -> answer(status, """
                    {"error":{"code":"api_error","message":"An unknown error occurred","type":"api_error"}}""");
        };
        return delay == 0 ? answer : ResponseDefinitionBuilder.like(answer).withFixedDelay((int) delay).build();
    }

    private static JsonNode tree(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stripe's {@code type}: an event name, or a group ending in {@code *}. */
    private static boolean typeMatches(String filter, String type) {
        return filter.endsWith("*") ? type.startsWith(filter.substring(0, filter.length() - 1)) : filter.equals(type);
    }

    private static int indexOf(List<JsonNode> events, String id) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).path("id").asText().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private static ResponseDefinition answer(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withHeader("Request-Id", "req_" + UUID.randomUUID().toString().replace("-", "").substring(0, 14))
                .withHeader("Stripe-Version", "2026-10-28.clover")
                .withBody(body.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    private static final class Behaviour implements ResponseDefinitionTransformerV2 {
        private final FakeStripe fake;

        Behaviour(FakeStripe fake) {
            this.fake = fake;
        }

        @Override
        public String getName() {
            return "fake-stripe";
        }

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            Request request = serveEvent.getRequest();
            String path = request.getUrl().split("\\?")[0];
            if (path.startsWith("/__fake/")) {
                return fake.controlled(request, path);
            }
            if (path.equals("/v1/events") && request.getMethod().getName().equals("GET")) {
                return fake.list(request);
            }
            if (OBJECT_PATH.matcher(path).matches() && request.getMethod().getName().equals("GET")) {
                return fake.object(request, path);
            }
            return answer(404, """
                    {"error":{"message":"Unrecognized request URL (%s: %s).","type":"invalid_request_error"}}"""
                    .formatted(request.getMethod().getName(), path));
        }
    }
}
