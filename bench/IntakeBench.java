import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Load for the webhook endpoint: N keep-alive connections, each sending signed events with unique
 * ids back to back, the way Stripe would during a burst. JDK only, run as a source file:
 *
 *   java bench/IntakeBench.java --url http://127.0.0.1:8080/webhooks/stripe/bench --secret whsec_...
 *        [--connections 64] [--duration 20] [--warmup 5] [--fixture ../shared/fixtures/stripe/invoice.paid.json]
 *
 * A minimal HTTP/1.1 client over plain sockets keeps the load generator cheap: on a 2-core machine
 * it shares the CPU with the service and PostgreSQL.
 */
public class IntakeBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        URI url = URI.create(options.getOrDefault("url", "http://127.0.0.1:8080/webhooks/stripe/bench"));
        String secret = options.getOrDefault("secret", "whsec_paybridge_bench_secret");
        int connections = Integer.parseInt(options.getOrDefault("connections", "64"));
        int duration = Integer.parseInt(options.getOrDefault("duration", "20"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "5"));
        Path fixture = Path.of(options.getOrDefault("fixture", "../shared/fixtures/stripe/invoice.paid.json"));

        String template = Files.readString(fixture, StandardCharsets.UTF_8);
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"(evt_[^\"]+)\"").matcher(template);
        if (!id.find()) {
            throw new IllegalArgumentException("no event id in " + fixture);
        }
        byte[] before = template.substring(0, id.start(1)).getBytes(StandardCharsets.UTF_8);
        byte[] after = template.substring(id.end(1)).getBytes(StandardCharsets.UTF_8);
        String run = Long.toString(System.currentTimeMillis(), 36);

        long start = System.nanoTime();
        long measureFrom = start + warmup * 1_000_000_000L;
        long end = measureFrom + duration * 1_000_000_000L;
        AtomicBoolean failed = new AtomicBoolean();
        Worker[] workers = new Worker[connections];
        CountDownLatch done = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            workers[i] = new Worker(url, secret, before, after, run + "_" + i, measureFrom, end, done, failed);
            Thread.ofPlatform().name("bench-" + i).start(workers[i]);
        }
        done.await();

        long[] latencies = Arrays.stream(workers).flatMapToLong(worker -> Arrays.stream(worker.latencies, 0, worker.measured)).sorted().toArray();
        long accepted = Arrays.stream(workers).mapToLong(worker -> worker.accepted).sum();
        long sent = Arrays.stream(workers).mapToLong(worker -> worker.sent).sum();
        Map<Integer, Long> statuses = new TreeMap<>();
        for (Worker worker : workers) {
            worker.statuses.forEach((status, count) -> statuses.merge(status, count, Long::sum));
        }
        double perSecond = accepted / (double) duration;
        System.out.printf("connections=%d duration=%ds warmup=%ds payload=%d bytes%n", connections, duration, warmup,
                before.length + after.length + 24);
        System.out.printf("sent=%d accepted=%d statuses=%s%n", sent, accepted, statuses);
        System.out.printf("accepted/s=%.0f p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms%n", perSecond,
                percentile(latencies, 0.50), percentile(latencies, 0.90), percentile(latencies, 0.99),
                latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6);
        System.out.printf("RESULT accepted_per_s=%.0f p50_ms=%.2f p99_ms=%.2f%n", perSecond,
                percentile(latencies, 0.50), percentile(latencies, 0.99));
        if (failed.get() || accepted == 0) {
            System.exit(1);
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }

    static final class Worker implements Runnable {
        private static final byte[] ACCEPTED = "\"status\":\"accepted\"".getBytes(StandardCharsets.US_ASCII);

        final long[] latencies = new long[2_000_000];
        final Map<Integer, Long> statuses = new TreeMap<>();
        int measured;
        long accepted;
        long sent;

        private final URI url;
        private final byte[] before;
        private final byte[] after;
        private final String prefix;
        private final long measureFrom;
        private final long end;
        private final CountDownLatch done;
        private final AtomicBoolean failed;
        private final Mac mac;

        Worker(URI url, String secret, byte[] before, byte[] after, String prefix, long measureFrom, long end,
                CountDownLatch done, AtomicBoolean failed) throws Exception {
            this.url = url;
            this.before = before;
            this.after = after;
            this.prefix = prefix;
            this.measureFrom = measureFrom;
            this.end = end;
            this.done = done;
            this.failed = failed;
            this.mac = Mac.getInstance("HmacSHA256");
            this.mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        }

        @Override
        public void run() {
            try (Socket socket = new Socket(url.getHost(), url.getPort())) {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
                long n = 0;
                while (System.nanoTime() < end) {
                    byte[] body = body("evt_bench_" + prefix + "_" + n++);
                    long t = System.currentTimeMillis() / 1000;
                    mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
                    String signature = HexFormat.of().formatHex(mac.doFinal(body));
                    byte[] head = ("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + "\r\n"
                            + "Content-Type: application/json; charset=utf-8\r\nStripe-Signature: t=" + t + ",v1=" + signature
                            + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                    long began = System.nanoTime();
                    out.write(head);
                    out.write(body);
                    out.flush();
                    Response response = read(in);
                    long finished = System.nanoTime();
                    sent++;
                    statuses.merge(response.status, 1L, Long::sum);
                    if (finished >= measureFrom && began >= measureFrom) {
                        if (response.status == 200 && contains(response.body, ACCEPTED)) {
                            accepted++;
                        }
                        if (measured < latencies.length) {
                            latencies[measured++] = finished - began;
                        }
                    }
                }
            } catch (IOException e) {
                failed.set(true);
                System.err.println(Thread.currentThread().getName() + ": " + e);
            } finally {
                done.countDown();
            }
        }

        private byte[] body(String id) {
            byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
            byte[] body = new byte[before.length + idBytes.length + after.length];
            System.arraycopy(before, 0, body, 0, before.length);
            System.arraycopy(idBytes, 0, body, before.length, idBytes.length);
            System.arraycopy(after, 0, body, before.length + idBytes.length, after.length);
            return body;
        }

        private static Response read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            int length = 0;
            String header;
            while (!(header = line(in)).isEmpty()) {
                int colon = header.indexOf(':');
                if (colon > 0 && header.substring(0, colon).equalsIgnoreCase("content-length")) {
                    length = Integer.parseInt(header.substring(colon + 1).trim());
                }
            }
            byte[] body = in.readNBytes(length);
            return new Response(status, body);
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            if (c == -1 && line.isEmpty()) {
                throw new IOException("connection closed");
            }
            return line.toString();
        }

        private static boolean contains(byte[] haystack, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }

    record Response(int status, byte[] body) {
    }
}
