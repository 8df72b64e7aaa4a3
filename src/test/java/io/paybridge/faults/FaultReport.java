package io.paybridge.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The numbers of each scenario, appended to {@code target/faults/results.md} as a Markdown table row
 * (docs/fault-suite.md's table is copied from it) and printed.
 */
final class FaultReport {

    static final Path FILE = Path.of("target", "faults", "results.md");

    private FaultReport() {
    }

    static void start() {
        write("| Scenario | Sent | Acknowledged | Stored | Delivered + skipped | Duplicates | Recovery | Notes |\n"
                + "|---|---|---|---|---|---|---|---|\n", true);
    }

    static synchronized void row(String scenario, long sent, long acknowledged, long stored, Settled settled, long duplicates,
            Duration recovery, String notes) {
        String line = String.format("| %s | %,d | %,d | %,d | %,d + %,d | %d | %s | %s |%n", scenario, sent, acknowledged,
                stored, settled.delivered(), settled.skipped(), duplicates, recovery == null ? "-" : String.format("%.2f s", recovery.toMillis() / 1000.0),
                notes);
        System.out.print("FAULTS " + line);
        write(line, false);
    }

    /**
     * How the stored events ended: written to Salesforce, or skipped (no route, or superseded by a
     * newer event of every record they map to).
     */
    record Settled(long delivered, long skipped) {
    }

    private static void write(String text, boolean truncate) {
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    truncate ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
