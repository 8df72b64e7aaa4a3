package io.paybridge.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * A Salesforce org at the HTTP level, on WireMock: the OAuth 2.0 token endpoint (client credentials
 * and JWT bearer) and sObject Collections upsert by external id, with the request checks, answers,
 * error bodies and {@code Sforce-Limit-Info} header of {@code ../shared/fixtures/salesforce.md}.
 * It keeps the records it was sent, so tests read Salesforce's state back, and it injects the
 * faults of production on demand. It also audits concurrency: a call that arrives while another
 * call carrying one of its records is still in flight is counted as a violation.
 */
public final class FakeSalesforce {

    public static final String CLIENT_ID = "3MVG9fake.paybridge.consumer.key";
    public static final String CLIENT_SECRET = "fake-consumer-secret-0123456789";
    public static final String USERNAME = "paybridge-integration@example.org";
    public static final String AUDIENCE = "https://login.salesforce.com";
    private static final Pattern LIMITS = Pattern.compile("/services/data/(v\\d+\\.\\d)/limits/?");
    private static final Pattern UPSERT = Pattern.compile("/services/data/(v\\d+\\.\\d)/composite/sobjects/([A-Za-z0-9_]+)/([A-Za-z0-9_]+)");
    private static final String JSON_TYPE = "application/json;charset=UTF-8";
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** The PKCS#8 PEM private key the fake checks JWT bearer assertions against; never used outside tests. */
    public static final Path TEST_KEY = Path.of("src/test/resources/salesforce-test-key.pem").toAbsolutePath();
    private static final KeyPair KEYS = rsaKeys();

    /** Whole-call faults, served once each before normal answers resume. */
    public enum CallFault {
        SERVICE_UNAVAILABLE, BAD_GATEWAY_HTML, REQUEST_LIMIT_EXCEEDED, CONNECTION_RESET,
        /** The answer is written and stored, but only after {@link #slowDelay(Duration)}: a timeout for the caller. */
        SLOW,
        UNABLE_TO_LOCK_ROW_CALL
    }

    private final WireMockServer server;
    private final Object lock = new Object();
    private final Map<String, Map<String, Map<String, Object>>> records = new HashMap<>();
    private final Map<String, String> ids = new HashMap<>();
    private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    private final Deque<CallFault> faults = new ArrayDeque<>();
    private final Map<String, Deque<CallFault>> recordFaults = new HashMap<>();
    private final Map<String, AtomicInteger> callsByRecord = new ConcurrentHashMap<>();
    private final Map<String, String[]> rejections = new ConcurrentHashMap<>();
    private final Set<String> lockOnce = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final List<String> requestBodies = new CopyOnWriteArrayList<>();
    /** When each data call arrived ({@link System#nanoTime()}), in arrival order: its size is the count. */
    private final List<Long> callArrivals = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger limitsRequests = new AtomicInteger();
    private final AtomicInteger violations = new AtomicInteger();
    private final AtomicInteger callsInFlight = new AtomicInteger();
    private final AtomicInteger maxCallsInFlight = new AtomicInteger();
    private volatile Map<String, Set<String>> schema;
    private volatile boolean down;
    private volatile boolean tokenEndpointDown;
    private volatile boolean sessionsRefused;
    private volatile Duration latency = Duration.ZERO;
    private volatile Duration slowDelay = Duration.ofSeconds(5);
    private volatile int apiLimit = 100_000;
    /** When set, the daily usage Salesforce reports instead of the count of calls. */
    private volatile Integer apiUsed;
    private volatile CountDownLatch gate = new CountDownLatch(0);
    /** Open once the fake stops: a call still in its simulated latency answers at once. */
    private final CountDownLatch stopped = new CountDownLatch(1);

    private FakeSalesforce() {
        server = new WireMockServer(wireMockConfig()
                .dynamicPort()
                .bindAddress("127.0.0.1")
                .containerThreads(64)
                .disableRequestJournal()
                .extensions(new Behaviour()));
    }

    public static FakeSalesforce start() {
        FakeSalesforce fake = new FakeSalesforce();
        fake.server.start();
        fake.server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404)));
        return fake;
    }

    public void stop() {
        stopped.countDown();
        server.stop();
    }

    /** Both the login URL and the {@code instance_url} of the tokens it issues. */
    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    public void reset() {
        synchronized (lock) {
            records.clear();
            ids.clear();
            faults.clear();
            recordFaults.clear();
            inFlight.clear();
        }
        validTokens.clear();
        rejections.clear();
        lockOnce.clear();
        requestBodies.clear();
        callsByRecord.clear();
        callArrivals.clear();
        tokenRequests.set(0);
        limitsRequests.set(0);
        violations.set(0);
        maxCallsInFlight.set(0);
        schema = null;
        down = false;
        tokenEndpointDown = false;
        sessionsRefused = false;
        latency = Duration.ZERO;
        slowDelay = Duration.ofSeconds(5);
        apiLimit = 100_000;
        apiUsed = null;
        gate.countDown();
    }

    /** The PKCS#8 PEM private key whose public key the fake checks JWT bearer assertions with. */
    public static String privateKeyPem() {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(KEYS.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    // --- faults ----------------------------------------------------------------------------------

    public void failNextCalls(int n, CallFault fault) {
        synchronized (lock) {
            for (int i = 0; i < n; i++) {
                faults.add(fault);
            }
        }
    }

    /** The next n data calls that carry this record fail so; other calls are not affected. */
    public void failNextCallsWith(String sobject, String externalId, int n, CallFault fault) {
        synchronized (lock) {
            Deque<CallFault> queue = recordFaults.computeIfAbsent(sobject + "/" + externalId, k -> new ArrayDeque<>());
            for (int i = 0; i < n; i++) {
                queue.add(fault);
            }
        }
    }

    /** Every data call fails with 503 until called again with false. */
    public void down(boolean down) {
        this.down = down;
    }

    public void tokenEndpointDown(boolean down) {
        this.tokenEndpointDown = down;
    }

    /** Every token issued so far is refused from now on with 401 INVALID_SESSION_ID. */
    public void expireTokens() {
        validTokens.clear();
    }

    /**
     * Every session is refused with 401 INVALID_SESSION_ID, new ones too, until called again with
     * false: a Connected App whose policy revokes the tokens it has just issued, say.
     */
    public void refuseSessions(boolean refused) {
        this.sessionsRefused = refused;
    }

    public void latency(Duration latency) {
        this.latency = latency;
    }

    public void slowDelay(Duration delay) {
        this.slowDelay = delay;
    }

    public void apiLimit(int limit) {
        this.apiLimit = limit;
    }

    /**
     * The org's daily usage as Salesforce reports it in {@code Sforce-Limit-Info} and {@code /limits}:
     * other integrations' calls count too, so it need not follow this fake's own calls.
     */
    public void apiUsage(int used, int limit) {
        this.apiUsed = used;
        this.apiLimit = limit;
    }

    /**
     * Data calls that arrive from now on wait (at most a minute) until {@link #releaseCalls()}: a
     * test can then act while calls are certainly in flight, however fast the pipeline is.
     */
    public void holdCalls() {
        gate = new CountDownLatch(1);
    }

    public void releaseCalls() {
        gate.countDown();
    }

    /** When set, fields missing from an SObject's list are refused per record with INVALID_FIELD. */
    public void schema(Map<String, Set<String>> fieldsBySObject) {
        this.schema = fieldsBySObject;
    }

    /** Every write of this record fails with this per-record error. */
    public void rejectRecord(String sobject, String externalId, String statusCode, String message) {
        rejections.put(sobject + "/" + externalId, new String[] {statusCode, message});
    }

    /** Lifts {@link #rejectRecord}: the admin fixed what Salesforce refused. */
    public void acceptRecord(String sobject, String externalId) {
        rejections.remove(sobject + "/" + externalId);
    }

    /** The next write of this record fails with a per-record UNABLE_TO_LOCK_ROW. */
    public void lockRecordOnce(String sobject, String externalId) {
        lockOnce.add(sobject + "/" + externalId);
    }

    // --- read back -------------------------------------------------------------------------------

    /** The record's fields as Salesforce holds them (numbers as BigDecimal or Integer), or null. */
    public Map<String, Object> record(String sobject, String externalId) {
        synchronized (lock) {
            Map<String, Object> record = records.getOrDefault(sobject, Map.of()).get(externalId);
            return record == null ? null : new LinkedHashMap<>(record);
        }
    }

    public Map<String, Map<String, Object>> records(String sobject) {
        synchronized (lock) {
            Map<String, Map<String, Object>> copy = new TreeMap<>();
            records.getOrDefault(sobject, Map.of()).forEach((id, fields) -> copy.put(id, new LinkedHashMap<>(fields)));
            return copy;
        }
    }

    /** The records of the SObject whose external id contains {@code tag}: one test's own, when its ids carry a tag. */
    public Map<String, Map<String, Object>> records(String sobject, String tag) {
        Map<String, Map<String, Object>> own = records(sobject);
        own.keySet().removeIf(externalId -> !externalId.contains(tag));
        return own;
    }

    public String salesforceId(String sobject, String externalId) {
        synchronized (lock) {
            return ids.get(sobject + "/" + externalId);
        }
    }

    /** Data calls answered, failures included. */
    public int calls() {
        return callArrivals.size();
    }

    /**
     * How long before the data call of this index (from 0, in arrival order) the one before it
     * arrived: a pause measured where it happens, whenever a test gets to look.
     */
    public Duration pauseBeforeCall(int index) {
        return Duration.ofNanos(callArrivals.get(index) - callArrivals.get(index - 1));
    }

    /** Data calls that carried this record, failures included. */
    public int callsWith(String sobject, String externalId) {
        AtomicInteger count = callsByRecord.get(sobject + "/" + externalId);
        return count == null ? 0 : count.get();
    }

    public int callsInFlight() {
        return callsInFlight.get();
    }

    public int tokenRequests() {
        return tokenRequests.get();
    }

    /** Calls of the Limits resource. */
    public int limitsRequests() {
        return limitsRequests.get();
    }

    /** The raw bodies of the data calls that reached the upsert, in arrival order. */
    public List<String> requestBodies() {
        return List.copyOf(requestBodies);
    }

    public int concurrentPushViolations() {
        return violations.get();
    }

    public int maxCallsInFlight() {
        return maxCallsInFlight.get();
    }

    // --- behaviour -------------------------------------------------------------------------------

    private final class Behaviour implements ResponseDefinitionTransformerV2 {

        @Override
        public String getName() {
            return "fake-salesforce";
        }

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            Request request = serveEvent.getRequest();
            String path = request.getUrl().split("\\?")[0];
            if (path.equals("/services/oauth2/token") && request.getMethod().getName().equals("POST")) {
                return token(request);
            }
            if (LIMITS.matcher(path).matches() && request.getMethod().getName().equals("GET")) {
                return limits(request);
            }
            Matcher upsert = UPSERT.matcher(path);
            if (upsert.matches() && request.getMethod().getName().equals("PATCH")) {
                return dataCall(request, upsert.group(2), upsert.group(3));
            }
            return json(404, "[{\"message\":\"The requested resource does not exist\",\"errorCode\":\"NOT_FOUND\"}]");
        }
    }

    private ResponseDefinition token(Request request) {
        tokenRequests.incrementAndGet();
        if (tokenEndpointDown) {
            return aResponse().withStatus(503).withHeader("Content-Type", "text/html")
                    .withBody("<html><body><h1>503 Service Unavailable</h1></body></html>").build();
        }
        Map<String, String> form = form(request.getBodyAsString());
        String grant = form.getOrDefault("grant_type", "");
        String error = switch (grant) {
            case "client_credentials" -> CLIENT_ID.equals(form.get("client_id")) && CLIENT_SECRET.equals(form.get("client_secret"))
                    ? null : "{\"error\":\"invalid_client\",\"error_description\":\"invalid client credentials\"}";
            case "urn:ietf:params:oauth:grant-type:jwt-bearer" -> assertionError(form.get("assertion"));
            default -> "{\"error\":\"unsupported_grant_type\",\"error_description\":\"grant type not supported\"}";
        };
        if (error != null) {
            return aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                    .withHeader("Cache-Control", "no-store").withBody(error).build();
        }
        String token = "00DFAKE000000000001!" + Long.toHexString(Double.doubleToLongBits(Math.random()))
                + tokenRequests.get();
        validTokens.add(token);
        String body = String.format("""
                {"access_token":"%s","signature":"fakeSignature=","token_format":"opaque","scope":"api",\
                "instance_url":"%s","id":"%s/id/00DFAKE000000000001/005FAKE000000000001","token_type":"Bearer",\
                "issued_at":"%d"}""", token, url(), url(), System.currentTimeMillis());
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("Cache-Control", "no-store").withBody(body).build();
    }

    private static String assertionError(String assertion) {
        String invalid = "{\"error\":\"invalid_grant\",\"error_description\":\"%s\"}";
        try {
            String[] parts = assertion == null ? new String[0] : assertion.split("\\.");
            if (parts.length != 3) {
                return invalid.formatted("invalid assertion");
            }
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(KEYS.getPublic());
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!"RS256".equals(header.path("alg").asText()) || !rs256.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return invalid.formatted("invalid assertion");
            }
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            long exp = claims.path("exp").asLong();
            long now = Instant.now().getEpochSecond();
            if (!CLIENT_ID.equals(claims.path("iss").asText())) {
                return "{\"error\":\"invalid_client_id\",\"error_description\":\"client identifier invalid\"}";
            }
            if (!USERNAME.equals(claims.path("sub").asText())) {
                return invalid.formatted("user hasn't approved this consumer");
            }
            if (!AUDIENCE.equals(claims.path("aud").asText()) && !claims.path("aud").toString().contains(AUDIENCE)) {
                return invalid.formatted("audience is invalid");
            }
            if (exp < now || exp > now + 300) {
                return invalid.formatted("expired authorization code");
            }
            return null;
        } catch (Exception e) {
            return invalid.formatted("invalid assertion");
        }
    }

    /** The org's usage: what a test set, or else this fake's own data calls. */
    private int apiUsed() {
        Integer used = apiUsed;
        return used != null ? used : calls();
    }

    private boolean authorized(Request request) {
        String authorization = request.getHeader("Authorization");
        return !sessionsRefused && authorization != null && validTokens.contains(authorization.replaceFirst("^Bearer ", ""));
    }

    /** Without {@code Sforce-Limit-Info}: a refused session names no org whose usage could be told. */
    private static ResponseDefinition sessionExpired() {
        return json(401, "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]");
    }

    /** The Limits resource, in the shape of its DailyApiRequests entry; a call like any other. */
    private ResponseDefinition limits(Request request) {
        limitsRequests.incrementAndGet();
        int used = apiUsed();
        String limitInfo = "api-usage=" + used + "/" + apiLimit;
        if (!authorized(request)) {
            return sessionExpired();
        }
        return json(200, String.format("""
                {"DailyApiRequests":{"Max":%d,"Remaining":%d},"DailyBulkApiBatches":{"Max":15000,"Remaining":15000}}""",
                apiLimit, Math.max(0, apiLimit - used)), limitInfo);
    }

    private ResponseDefinition dataCall(Request request, String sobject, String externalIdField) {
        callArrivals.add(System.nanoTime());
        String limitInfo = "api-usage=" + apiUsed() + "/" + apiLimit;
        if (!authorized(request)) {
            return sessionExpired();
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.getBodyAsString());
        } catch (Exception e) {
            return json(400, "[{\"message\":\"Unexpected character in the request body\",\"errorCode\":\"JSON_PARSER_ERROR\"}]", limitInfo);
        }
        String malformed = malformed(body, sobject, externalIdField);
        if (malformed != null) {
            return json(400, "[{\"message\":\"" + malformed + "\",\"errorCode\":\"INVALID_FIELD\"}]", limitInfo);
        }
        List<String> keys = new ArrayList<>();
        body.path("records").forEach(record -> keys.add(sobject + "/" + record.path(externalIdField).asText()));
        keys.forEach(key -> callsByRecord.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
        enter(keys);
        try {
            awaitGate();
            CallFault fault = nextFault(keys);
            if (down) {
                return json(503, "[{\"message\":\"Server is unavailable\",\"errorCode\":\"SERVER_UNAVAILABLE\"}]", limitInfo);
            }
            pause(latency);
            if (fault != null && fault != CallFault.SLOW) {
                return fault(fault, limitInfo);
            }
            requestBodies.add(request.getBodyAsString());
            String results = upsert(body, sobject, externalIdField);
            if (fault == CallFault.SLOW) {
                pause(slowDelay);
            }
            return json(200, results, limitInfo);
        } finally {
            leave(keys);
        }
    }

    private CallFault nextFault(List<String> keys) {
        synchronized (lock) {
            for (String key : keys) {
                Deque<CallFault> queue = recordFaults.get(key);
                if (queue != null && !queue.isEmpty()) {
                    return queue.poll();
                }
            }
            return faults.poll();
        }
    }

    private static String malformed(JsonNode body, String sobject, String externalIdField) {
        JsonNode records = body.path("records");
        if (!body.isObject() || !records.isArray()) {
            return "records: a list of records is required";
        }
        if (records.size() > 200) {
            return "Maximum number of records exceeded: 200";
        }
        for (JsonNode record : records) {
            if (!sobject.equals(record.path("attributes").path("type").asText())) {
                return "attributes.type must be " + sobject;
            }
            if (!record.path(externalIdField).isTextual()) {
                return "every record needs the external id field " + externalIdField;
            }
            if (record.has("Id")) {
                return "Only external ids are supported. Don't use record ids.";
            }
        }
        return null;
    }

    private String upsert(JsonNode body, String sobject, String externalIdField) {
        StringBuilder results = new StringBuilder("[");
        Iterator<JsonNode> records = body.path("records").elements();
        while (records.hasNext()) {
            JsonNode record = records.next();
            String externalId = record.path(externalIdField).asText();
            String key = sobject + "/" + externalId;
            String error = recordError(record, sobject, key);
            if (error != null) {
                results.append(error);
            } else {
                results.append(write(record, sobject, externalId, key));
            }
            if (records.hasNext()) {
                results.append(',');
            }
        }
        return results.append(']').toString();
    }

    private String recordError(JsonNode record, String sobject, String key) {
        String[] rejection = rejections.get(key);
        if (rejection != null) {
            return failure(rejection[0], rejection[1]);
        }
        if (lockOnce.remove(key)) {
            return failure("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records: " + id(key));
        }
        Map<String, Set<String>> known = schema;
        if (known != null) {
            for (Iterator<String> names = record.fieldNames(); names.hasNext();) {
                String name = names.next();
                if (!name.equals("attributes") && !known.getOrDefault(sobject, Set.of()).contains(name)) {
                    return failure("INVALID_FIELD", "No such column '" + name + "' on sObject of type " + sobject);
                }
            }
        }
        return null;
    }

    private String write(JsonNode record, String sobject, String externalId, String key) {
        boolean created;
        synchronized (lock) {
            Map<String, Map<String, Object>> bySObject = records.computeIfAbsent(sobject, s -> new HashMap<>());
            created = !bySObject.containsKey(externalId);
            Map<String, Object> fields = bySObject.computeIfAbsent(externalId, id -> new LinkedHashMap<>());
            record.fields().forEachRemaining(field -> {
                if (!field.getKey().equals("attributes")) {
                    fields.put(field.getKey(), JSON.convertValue(field.getValue(), Object.class));
                }
            });
        }
        return "{\"id\":\"" + id(key) + "\",\"success\":true,\"errors\":[],\"created\":" + created + "}";
    }

    private String id(String key) {
        synchronized (lock) {
            return ids.computeIfAbsent(key, k -> {
                String prefix = k.startsWith("Stripe_Payout__c") ? "a0C" : k.startsWith("Stripe_Payment__c") ? "a0B" : "a0A";
                String serial = String.format("%012d", ids.size() + 1);
                return prefix + "5g" + serial + "AAA";
            });
        }
    }

    private static String failure(String statusCode, String message) {
        return "{\"success\":false,\"errors\":[{\"statusCode\":\"" + statusCode + "\",\"message\":\""
                + message.replace("\"", "'") + "\",\"fields\":[]}]}";
    }

    private ResponseDefinition fault(CallFault fault, String limitInfo) {
        return switch (fault) {
            case SERVICE_UNAVAILABLE -> json(503, "[{\"message\":\"Server is unavailable\",\"errorCode\":\"SERVER_UNAVAILABLE\"}]", limitInfo);
            case BAD_GATEWAY_HTML -> aResponse().withStatus(502).withHeader("Content-Type", "text/html")
                    .withBody("<html><body><h1>502 Bad Gateway</h1></body></html>").build();
            case REQUEST_LIMIT_EXCEEDED -> json(403, "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]", limitInfo);
            case CONNECTION_RESET -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER).build();
            case UNABLE_TO_LOCK_ROW_CALL -> json(400, "[{\"message\":\"unable to obtain exclusive access to this record\","
                    + "\"errorCode\":\"UNABLE_TO_LOCK_ROW\",\"fields\":[]}]", limitInfo);
            case SLOW -> throw new IllegalStateException("SLOW answers normally");
        };
    }

    private void enter(List<String> keys) {
        int now = callsInFlight.incrementAndGet();
        maxCallsInFlight.accumulateAndGet(now, Math::max);
        synchronized (lock) {
            boolean clash = false;
            for (String key : new HashSet<>(keys)) {
                if (inFlight.merge(key, 1, Integer::sum) > 1) {
                    clash = true;
                }
            }
            if (clash) {
                violations.incrementAndGet();
            }
        }
    }

    private void leave(List<String> keys) {
        synchronized (lock) {
            for (String key : new HashSet<>(keys)) {
                inFlight.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
            }
        }
        callsInFlight.decrementAndGet();
    }

    private void awaitGate() {
        try {
            gate.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Salesforce's simulated latency, the fault under test: the call stays in flight (and its records
     * unwritten) for that long, or until the fake stops.
     */
    private void pause(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ResponseDefinition json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", JSON_TYPE).withBody(body).build();
    }

    private static ResponseDefinition json(int status, String body, String limitInfo) {
        ResponseDefinitionBuilder response = aResponse().withStatus(status).withHeader("Content-Type", JSON_TYPE)
                .withHeader("Sforce-Limit-Info", limitInfo);
        return response.withBody(body).build();
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                form.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return Collections.unmodifiableMap(form);
    }

    /**
     * A fixed key rather than a generated one: the test resource, the test class and the application
     * under test load this class in different class loaders, and all of them must agree on the key.
     */
    private static KeyPair rsaKeys() {
        try {
            String pem = Files.readString(TEST_KEY, StandardCharsets.US_ASCII);
            byte[] der = Base64.getMimeDecoder().decode(pem
                    .replace("-----BEGIN PRIVATE KEY-----", "")
                    .replace("-----END PRIVATE KEY-----", ""));
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
            PublicKey publicKey = rsa.generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
            return new KeyPair(publicKey, privateKey);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the fake Salesforce's test key " + TEST_KEY, e);
        }
    }
}
