import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Fills a backlog the way Stripe does: N signed events POSTed to the webhook endpoint, built from
 * the fixture story (shared/fixtures/stripe/*.json) with fresh ids. JDK only, run as a source file:
 *
 *   java bench/delivery/SendEvents.java --url http://127.0.0.1:18301/webhooks/stripe/bench --secret whsec_...
 *        --events 10000 --mode story|distinct [--fixtures ../shared/fixtures/stripe] [--connections 32]
 *        [--rate 200] [--first 0]
 * rate:     events per second, evenly paced (event n leaves at n / rate s), instead of as fast as
 *           the connections go; first: the number of the first event, so that a later run on the
 *           same database sends new events rather than duplicates.
 *
 * story:    event n is event (n mod 26) of story n / 26, in the order Stripe created them; every
 *           story has its own customer, invoices, payment intents, charges and payouts, so several
 *           events of one object wait in the backlog together, as they do after an outage.
 * distinct: every event has objects of its own: nothing for the pipeline to collapse.
 *
 * Each connection is a plain keep-alive socket on a platform thread, which keeps the sender cheap on
 * a machine whose cores it shares with the application and PostgreSQL. A 503 (storage busy) or a
 * lost connection is retried, as Stripe would; any other refusal fails the run. Prints a line
 * {@code RESULT sent=... accepted=... duplicate=... failed=... per_s=...}; exits 1 unless every event
 * was accepted.
 */
public class SendEvents {

    /** The story's object ids as _ids.json lists them (not every "in_..." string is one: "in_transit"). */
    private static final Pattern LISTED_ID = Pattern.compile("\"[a-z_]+\"\\s*:\\s*\"([a-z]+_[A-Za-z0-9]+)\"");
    /** The envelope's own time: in the fixtures it comes before the object's. */
    private static final Pattern CREATED = Pattern.compile("\"created\"\\s*:\\s*(\\d+)");
    private static final int ATTEMPTS = 10;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        URI url = URI.create(options.getOrDefault("url", "http://127.0.0.1:18301/webhooks/stripe/bench"));
        String secret = options.getOrDefault("secret", "whsec_paybridge_bench_secret");
        int events = Integer.parseInt(options.getOrDefault("events", "10000"));
        boolean distinct = "distinct".equals(options.getOrDefault("mode", "story"));
        int connections = Integer.parseInt(options.getOrDefault("connections", "32"));
        double rate = Double.parseDouble(options.getOrDefault("rate", "0"));
        int first = Integer.parseInt(options.getOrDefault("first", "0"));
        List<Template> story = story(Path.of(options.getOrDefault("fixtures", "../shared/fixtures/stripe")));

        AtomicInteger next = new AtomicInteger();
        Counts counts = new Counts();
        long start = System.nanoTime();
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            senders.add(Thread.ofPlatform().name("send-" + c).start(() -> {
                try (Connection connection = new Connection(url, secret)) {
                    for (int i = next.getAndIncrement(); i < events; i = next.getAndIncrement()) {
                        if (rate > 0) {
                            paceUntil(start + (long) (i * 1e9 / rate));
                        }
                        int n = first + i;
                        Template template = story.get(n % story.size());
                        connection.deliver(template.render(distinct ? "d" + n : "s" + n / story.size()), counts);
                    }
                } catch (Exception e) {
                    System.err.println(Thread.currentThread().getName() + ": " + e);
                    counts.failed.incrementAndGet();
                }
            }));
        }
        for (Thread sender : senders) {
            sender.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("RESULT sent=%d accepted=%d duplicate=%d failed=%d retried=%d seconds=%.1f per_s=%.0f%n", events,
                counts.accepted.get(), counts.duplicate.get(), counts.failed.get(), counts.retried.get(), seconds,
                counts.accepted.get() / seconds);
        System.exit(counts.accepted.get() == events ? 0 : 1);
    }

    private static void paceUntil(long nanoTime) {
        for (long wait = nanoTime - System.nanoTime(); wait > 0; wait = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    /** The fixture events of the current API version, oldest first. */
    static List<Template> story(Path fixtures) throws IOException {
        Set<String> ids = new HashSet<>();
        Matcher listed = LISTED_ID.matcher(Files.readString(fixtures.resolve("_ids.json"), StandardCharsets.UTF_8));
        while (listed.find()) {
            ids.add(listed.group(1));
        }
        try (Stream<Path> files = Files.list(fixtures)) {
            List<Template> story = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".json") && !f.getFileName().toString().startsWith("_"))
                    .sorted().toList()) {
                story.add(Template.of(Files.readString(file, StandardCharsets.UTF_8), ids));
            }
            story.sort(Comparator.comparingLong(Template::created));
            return story;
        }
    }

    /**
     * An event split around its Stripe ids (the story's objects and the event's own id), so that a
     * copy with suffixed ids is a few array copies.
     */
    record Template(long created, List<byte[]> literals, List<byte[]> ids) {

        static Template of(String json, Set<String> storyIds) {
            Matcher created = CREATED.matcher(json);
            if (!created.find()) {
                throw new IllegalArgumentException("no created in a fixture");
            }
            List<byte[]> literals = new ArrayList<>();
            List<byte[]> ids = new ArrayList<>();
            // Whole quoted values only: an id inside a URL or a longer id is left alone.
            String alternatives = storyIds.stream().map(Pattern::quote).collect(Collectors.joining("|"));
            Matcher id = Pattern.compile("\"(" + alternatives + "|evt_[A-Za-z0-9]+)\"").matcher(json);
            int from = 0;
            while (id.find()) {
                literals.add(json.substring(from, id.start(1)).getBytes(StandardCharsets.UTF_8));
                ids.add(id.group(1).getBytes(StandardCharsets.UTF_8));
                from = id.end(1);
            }
            literals.add(json.substring(from).getBytes(StandardCharsets.UTF_8));
            return new Template(Long.parseLong(created.group(1)), literals, ids);
        }

        byte[] render(String suffix) {
            byte[] tail = suffix.getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            for (int i = 0; i < ids.size(); i++) {
                out.writeBytes(literals.get(i));
                out.writeBytes(ids.get(i));
                out.writeBytes(tail);
            }
            out.writeBytes(literals.get(ids.size()));
            return out.toByteArray();
        }
    }

    static final class Counts {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong duplicate = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong retried = new AtomicLong();
    }

    /** One keep-alive HTTP/1.1 connection to the webhook endpoint, reopened when it breaks. */
    static final class Connection implements AutoCloseable {
        private final URI url;
        private final Mac mac;
        private Socket socket;
        private OutputStream out;
        private InputStream in;

        Connection(URI url, String secret) throws Exception {
            this.url = url;
            this.mac = Mac.getInstance("HmacSHA256");
            this.mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        }

        void deliver(byte[] body, Counts counts) throws InterruptedException {
            String last = "";
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                if (attempt > 1) {
                    counts.retried.incrementAndGet();
                    Thread.sleep(100L * attempt);
                }
                try {
                    String answer = post(body);
                    if (answer.startsWith("200 ") && answer.contains("\"status\":\"accepted\"")) {
                        counts.accepted.incrementAndGet();
                        return;
                    }
                    if (answer.startsWith("200 ") && answer.contains("\"status\":\"duplicate\"")) {
                        // Only after a retry whose first try was stored: still one stored event.
                        counts.accepted.incrementAndGet();
                        counts.duplicate.incrementAndGet();
                        return;
                    }
                    last = answer;
                    if (!answer.startsWith("503 ")) {
                        break;
                    }
                } catch (IOException e) {
                    last = e.toString();
                    close();
                }
            }
            if (counts.failed.incrementAndGet() <= 5) {
                System.err.println("refused: " + last);
            }
        }

        /** Sends one signed event; answers "status body". */
        private String post(byte[] body) throws IOException {
            if (socket == null) {
                socket = new Socket(url.getHost(), url.getPort());
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(30_000);
                out = socket.getOutputStream();
                in = new BufferedInputStream(socket.getInputStream(), 8192);
            }
            long t = System.currentTimeMillis() / 1000;
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            String signature = HexFormat.of().formatHex(mac.doFinal(body));
            out.write(("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                    + "\r\nContent-Type: application/json; charset=utf-8\r\nStripe-Signature: t=" + t + ",v1=" + signature
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String status = line().split(" ")[1];
            int length = 0;
            boolean closing = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String name = header.substring(0, Math.max(0, header.indexOf(':'))).trim();
                String value = header.substring(header.indexOf(':') + 1).trim();
                if (name.equalsIgnoreCase("content-length")) {
                    length = Integer.parseInt(value);
                } else if (name.equalsIgnoreCase("connection") && value.equalsIgnoreCase("close")) {
                    closing = true;
                }
            }
            String answer = status + " " + new String(in.readNBytes(length), StandardCharsets.UTF_8);
            if (closing) {
                close();
            }
            return answer;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c == -1) {
                    throw new IOException("connection closed by the server");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException ignored) {
                // Closing a broken socket: nothing left to do.
            }
            socket = null;
        }
    }
}
