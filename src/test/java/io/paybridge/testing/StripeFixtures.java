package io.paybridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The real Stripe event payloads of {@code ../shared/fixtures/stripe}: current API version at the
 * top, the 2025-02-24.acacia renderings in {@code legacy-2025-02-24.acacia/}.
 */
public final class StripeFixtures {

    public static final Path ROOT = locate();
    public static final Path LEGACY = ROOT.resolve("legacy-2025-02-24.acacia");
    /** Thin events (Stripe event destinations, {@code "object":"v2.core.event"}). */
    public static final Path THIN = ROOT.resolve("thin");
    /** {@code GET /v1/...} answers for the objects the events are about. */
    public static final Path OBJECTS = ROOT.resolve("objects");

    private static final Pattern EVENT_ID = Pattern.compile("\"id\"\\s*:\\s*\"(evt_[^\"]+)\"");

    private StripeFixtures() {
    }

    public static byte[] bytes(String type) {
        return read(ROOT.resolve(type + ".json"));
    }

    /** A thin event: {@code v1.invoice.paid}, {@code v1.payout.paid.connect}. */
    public static byte[] thin(String name) {
        return read(THIN.resolve(name + ".json"));
    }

    /** A Stripe object as the API answers it: {@code invoice}, {@code payout.connect}. */
    public static byte[] object(String name) {
        return read(OBJECTS.resolve(name + ".json"));
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every event file of the current API version and of the legacy one. */
    public static List<Path> allEvents() {
        return Stream.concat(eventsIn(ROOT).stream(), eventsIn(LEGACY).stream()).toList();
    }

    public static List<Path> eventsIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".json"))
                    .filter(file -> !file.getFileName().toString().startsWith("_"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The event id as written in the payload. */
    public static String eventId(byte[] payload) {
        Matcher matcher = EVENT_ID.matcher(new String(payload, StandardCharsets.UTF_8));
        if (!matcher.find()) {
            throw new IllegalArgumentException("no event id in payload");
        }
        return matcher.group(1);
    }

    /** The same payload under a fresh event id, everything else byte for byte. */
    public static byte[] withUniqueId(byte[] payload) {
        return withId(payload, "evt_test_" + UUID.randomUUID().toString().replace("-", ""));
    }

    public static byte[] withId(byte[] payload, String id) {
        String json = new String(payload, StandardCharsets.UTF_8);
        Matcher matcher = EVENT_ID.matcher(json);
        if (!matcher.find()) {
            throw new IllegalArgumentException("no event id in payload");
        }
        String replaced = json.substring(0, matcher.start(1)) + id + json.substring(matcher.end(1));
        return replaced.getBytes(StandardCharsets.UTF_8);
    }

    private static Path locate() {
        for (Path candidate : List.of(Path.of("..", "shared", "fixtures", "stripe"),
                Path.of("..", "..", "shared", "fixtures", "stripe"))) {
            if (Files.isDirectory(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("../shared/fixtures/stripe not found from " + Path.of("").toAbsolutePath());
    }
}
