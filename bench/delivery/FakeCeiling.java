import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fake Salesforce's own ceiling, measured in the same run as the benchmark: many callers,
 * each sending 200-record Collections upserts back to back for a few seconds. If the fake answers
 * far more calls per second than the busiest benchmark run makes, it is not the bottleneck.
 *
 *   java bench/delivery/FakeCeiling.java --url http://127.0.0.1:18300 [--concurrency 64] [--seconds 5]
 *
 * Prints a line {@code RESULT calls_per_s=... records_per_s=... p50_ms=... p99_ms=... failed=...}.
 */
public class FakeCeiling {

    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern INSTANCE_URL = Pattern.compile("\"instance_url\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String url = options.getOrDefault("url", "http://127.0.0.1:18300");
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "64"));
        long seconds = Long.parseLong(options.getOrDefault("seconds", "5"));

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String answer = client.send(HttpRequest.newBuilder(URI.create(url + "/services/oauth2/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=ceiling&client_secret=ceiling"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
        String token = group(ACCESS_TOKEN, answer);
        HttpRequest call = HttpRequest.newBuilder(URI.create(group(INSTANCE_URL, answer)
                        + "/services/data/v66.0/composite/sobjects/Stripe_Payment__c/Stripe_Payment_Intent_Id__c"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body(200)))
                .build();

        AtomicLong calls = new AtomicLong();
        AtomicLong records = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            callers.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    long began = System.nanoTime();
                    try {
                        HttpResponse<String> response = client.send(call, HttpResponse.BodyHandlers.ofString());
                        int successes = count(response.body(), "\"success\":true");
                        if (response.statusCode() == 200 && successes == 200) {
                            calls.incrementAndGet();
                            records.addAndGet(successes);
                            latencies.add(System.nanoTime() - began);
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread caller : callers) {
            caller.join();
        }
        double took = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("RESULT calls_per_s=%.0f records_per_s=%.0f p50_ms=%.1f p99_ms=%.1f failed=%d concurrency=%d%n",
                calls.get() / took, records.get() / took, percentile(sorted, 0.50), percentile(sorted, 0.99),
                failed.get(), concurrency);
    }

    /** A batch shaped like Paybridge's payment records: attributes, external id, a dozen fields. */
    private static byte[] body(int records) {
        StringBuilder body = new StringBuilder("{\"allOrNone\":false,\"records\":[");
        for (int i = 0; i < records; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"attributes\":{\"type\":\"Stripe_Payment__c\"},\"Stripe_Payment_Intent_Id__c\":\"pi_3TQk6cR2hXk9LmQa1F9gJk2M")
                    .append(i).append("\",\"Status__c\":\"succeeded\",\"Amount__c\":125.00,\"Amount_Received__c\":125.00,")
                    .append("\"Currency__c\":\"USD\",\"Customer_Id__c\":\"cus_TQk3mZ8vN2pL4a\",\"Description__c\":null,")
                    .append("\"Last_Payment_Error__c\":null,\"Decline_Code__c\":null,\"Cancellation_Reason__c\":null,")
                    .append("\"Stripe_Account__c\":\"bench\",\"Livemode__c\":false,\"Last_Stripe_Event_Id__c\":\"evt_3TQk13R2hXk9LmQaEv0102947\",")
                    .append("\"Last_Stripe_Event_Type__c\":\"payment_intent.succeeded\",\"Last_Stripe_Event_At__c\":\"2026-11-23T10:01:40Z\"}");
        }
        return body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String group(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException("unexpected token answer: " + text);
        }
        return matcher.group(1);
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            count++;
        }
        return count;
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }
}
