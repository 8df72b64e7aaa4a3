package io.paybridge.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import io.paybridge.testing.StripeSigner;

/**
 * Stripe's side of the webhooks: signed POSTs with a bounded number in flight, and a ledger of what
 * was answered. An event counts as acknowledged once any of its sends got a 2xx, exactly as Stripe
 * stops retrying then.
 */
final class SignedTraffic {

    /** One POST: the event of an account, signed with one of that account's secrets. */
    record Send(String account, String eventId, byte[] body, String secret) {
    }

    /** What one POST got: its status (0 when the connection failed), how long it took, when it came. */
    record Answer(Send send, int status, long millis, java.time.Instant at) {
    }

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();

    /** Sends every POST, at most {@code inFlight} at once, and waits for all answers. */
    void send(Supplier<PaybridgeProcess> target, List<Send> sends, int inFlight) {
        Semaphore slots = new Semaphore(inFlight);
        List<CompletableFuture<Void>> pending = new java.util.ArrayList<>(sends.size());
        for (Send send : sends) {
            slots.acquireUninterruptibly();
            pending.add(post(target.get(), send).whenComplete((answer, failure) -> slots.release()));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    }

    CompletableFuture<Void> post(PaybridgeProcess target, Send send) {
        long start = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(URI.create(target.webhookUrl(send.account())))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Stripe-Signature", StripeSigner.header(send.secret(), send.body()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(send.body()))
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> {
                    int status = failure == null ? response.statusCode() : 0;
                    record(new Answer(send, status, (System.nanoTime() - start) / 1_000_000, java.time.Instant.now()));
                    return null;
                });
    }

    /** A single POST, waited for. */
    Answer postNow(PaybridgeProcess target, Send send) {
        post(target, send).join();
        return answers.stream().filter(answer -> answer.send() == send).reduce((a, b) -> b).orElseThrow();
    }

    private void record(Answer answer) {
        answers.add(answer);
        if (answer.status() >= 200 && answer.status() < 300) {
            acknowledged.add(key(answer.send().account(), answer.send().eventId()));
        }
    }

    /** account/eventId of every acknowledged event. */
    Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    List<Answer> answers() {
        return List.copyOf(answers);
    }

    Map<Integer, Long> statusCounts() {
        Map<Integer, Long> counts = new java.util.TreeMap<>();
        answers.forEach(answer -> counts.merge(answer.status(), 1L, Long::sum));
        return counts;
    }

    static String key(String account, String eventId) {
        return account + "/" + eventId;
    }

    static boolean isAcknowledgement(Answer answer) {
        return answer.status() >= 200 && answer.status() < 300;
    }

    /** Raw bytes to the webhook port, for input no HTTP client would send; the first status line read back. */
    static String raw(int port, byte[] request, Duration readTimeout) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) readTimeout.toMillis());
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            byte[] head = socket.getInputStream().readNBytes(12);
            return new String(head, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}
