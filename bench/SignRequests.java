import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes signed webhook requests for wrk (bench/intake.lua) to replay, each exactly once. wrk's Lua
 * has no HMAC, and signing during the run would cost the CPU the service needs, so every request is
 * signed here beforehand, complete with its HTTP head, and the load generator only reads bytes.
 *
 *   java bench/SignRequests.java --fixture F --secret whsec_... --path /webhooks/stripe/bench
 *        --host 127.0.0.1:18080 --count N --files T --out PREFIX
 *
 * The fixture is sent compact (Stripe's own bodies are pretty-printed; compact is the smaller, so the
 * harder, case per byte). Every copy gets its own event id and its own invoice id, of the same length
 * as the fixture's, so that all requests have one length and wrk can read them as fixed-size records:
 * PREFIX.1 .. PREFIX.T, one per wrk thread, N/T requests each. The signature timestamp is now: run
 * the requests within Stripe's five-minute tolerance. Prints the record size and the id prefix.
 * With {@code --body FILE} it writes the compact fixture alone, unsigned, and nothing else.
 */
public class SignRequests {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path fixture = Path.of(options.get("fixture"));
        String secret = options.get("secret");
        String path = options.getOrDefault("path", "/webhooks/stripe/bench");
        String host = options.getOrDefault("host", "127.0.0.1:18080");
        long count = Long.parseLong(options.getOrDefault("count", "100000"));
        int files = Integer.parseInt(options.getOrDefault("files", "2"));
        String out = options.get("out");

        String template = compact(Files.readString(fixture, StandardCharsets.UTF_8));
        if (options.containsKey("body")) {
            // The compact body alone, for pgbench's rows.
            Files.writeString(Path.of(options.get("body")), template, StandardCharsets.UTF_8);
            return;
        }
        String eventId = first(template, "\"id\":\"(evt_[A-Za-z0-9]+)\"");
        String objectId = dataObjectId(template);
        // A run tag keeps ids apart across runs against the same database.
        String run = randomTag(6);
        String eventPrefix = "evt_" + run;
        String objectPrefix = objectId.substring(0, objectId.indexOf('_') + 1) + run;
        int eventDigits = eventId.length() - eventPrefix.length();
        int objectDigits = objectId.length() - objectPrefix.length();
        if (eventDigits < 8 || objectDigits < 8) {
            throw new IllegalArgumentException("the fixture's ids are too short to number copies");
        }
        String[] parts = template.split(Pattern.quote(eventId), -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("the event id must occur once in the fixture");
        }

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        long timestamp = System.currentTimeMillis() / 1000;
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
        HexFormat hex = HexFormat.of();
        int recordSize = -1;
        long perFile = (count + files - 1) / files;
        long sequence = 0;
        for (int file = 1; file <= files; file++) {
            try (FileChannel channel = FileChannel.open(Path.of(out + "." + file), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                    OutputStream output = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20)) {
                for (long i = 0; i < perFile; i++, sequence++) {
                    String body = parts[0] + eventPrefix + number(sequence, eventDigits) + parts[1];
                    body = body.replace(objectId, objectPrefix + number(sequence, objectDigits));
                    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                    mac.update(prefix);
                    String signature = hex.formatHex(mac.doFinal(bytes));
                    byte[] head = ("POST " + path + " HTTP/1.1\r\n"
                            + "Host: " + host + "\r\n"
                            + "User-Agent: Stripe/1.0 (+https://stripe.com/docs/webhooks)\r\n"
                            + "Content-Type: application/json; charset=utf-8\r\n"
                            + "Stripe-Signature: t=" + timestamp + ",v1=" + signature + "\r\n"
                            + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                    int size = head.length + bytes.length;
                    if (recordSize < 0) {
                        recordSize = size;
                    } else if (size != recordSize) {
                        throw new IllegalStateException("request " + sequence + " has " + size + " bytes, not " + recordSize);
                    }
                    output.write(head);
                    output.write(bytes);
                }
                // On disk before wrk reads it: left dirty, these gigabytes would be written back
                // while the service runs, in bursts that fill the disk's queue ahead of
                // PostgreSQL's commits.
                output.flush();
                channel.force(false);
            }
        }
        System.out.println("record_size=" + recordSize + " body_size=" + (recordSize > 0 ? template.length() : 0)
                + " requests=" + sequence + " id_prefix=" + eventPrefix);
    }

    /** Drops the whitespace between tokens, leaving strings untouched. */
    private static String compact(String json) {
        StringBuilder out = new StringBuilder(json.length());
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\') {
                    out.append(json.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
                out.append(c);
            } else if (!Character.isWhitespace(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The "id" member of data.object itself, not of an object nested in it. */
    private static String dataObjectId(String json) {
        String start = "\"data\":{\"object\":{";
        int at = json.indexOf(start);
        if (at < 0) {
            throw new IllegalArgumentException("no data.object in the fixture");
        }
        int depth = 1;
        boolean inString = false;
        for (int i = at + start.length(); i < json.length() && depth > 0; i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                if (depth == 1 && json.startsWith("\"id\":\"", i)) {
                    int from = i + "\"id\":\"".length();
                    return json.substring(from, json.indexOf('"', from));
                }
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        throw new IllegalArgumentException("data.object has no id");
    }

    private static String first(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        if (!matcher.find()) {
            throw new IllegalArgumentException("no match for " + regex);
        }
        return matcher.group(1);
    }

    private static String number(long value, int digits) {
        String text = Long.toString(value);
        if (text.length() > digits) {
            throw new IllegalArgumentException("too many requests for the id length");
        }
        return "0".repeat(digits - text.length()) + text;
    }

    private static String randomTag(int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz";
        SecureRandom random = new SecureRandom();
        StringBuilder tag = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            tag.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return tag.toString();
    }
}
