package io.paybridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * The packaged application as the integration tests launch it (the native executable when the
 * build made one, otherwise the jar with the tests' JVM options from the pom), for a process beside
 * the one under test: a command, as a Kubernetes Job runs it, or a second serving replica on the
 * same database.
 */
public final class PackagedApplication {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PackagedApplication() {
    }

    /** Where the build's native executable is when it made one; the tests then run it instead of the jar. */
    public static Path nativeRunner() {
        return Path.of(System.getProperty("native.image.path", "target/none"));
    }

    /**
     * The JVM option of the integration tests' launches (pom.xml, profile aot-cache) that starts the
     * jar from the cache trained for them, when the build wrote one: a start takes about half as
     * long, and the tests start the application a few dozen times.
     */
    public static List<String> aotCacheOption() {
        return jvmOptions().stream().filter(option -> option.startsWith("-XX:AOTCache=")).toList();
    }

    /**
     * A process of the packaged application with these settings (as -D, and nothing from the test's
     * environment) and arguments.
     */
    public static ProcessBuilder processBuilder(Map<String, String> settings, String... args) {
        ProcessBuilder builder = new ProcessBuilder(command(settings, args));
        // Only the settings given here: a datasource of the surrounding build must not leak in.
        builder.environment().keySet().removeIf(variable -> variable.startsWith("QUARKUS_") || variable.startsWith("PAYBRIDGE_"));
        return builder;
    }

    /** The JVM options the integration tests launch the application with (pom.xml). */
    private static List<String> jvmOptions() {
        return Arrays.stream(System.getProperty("quarkus.test.arg-line", "").split("\\s+"))
                .filter(option -> !option.isBlank())
                .toList();
    }

    private static List<String> command(Map<String, String> settings, String... args) {
        boolean nativeBuild = Files.isRegularFile(nativeRunner());
        List<String> command = new ArrayList<>(nativeBuild
                ? List.of(nativeRunner().toString())
                : List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (!nativeBuild) {
            command.addAll(jvmOptions());
        }
        settings.forEach((name, value) -> command.add("-D" + name + "=" + value));
        if (!nativeBuild) {
            command.add("-jar");
            command.add(Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().toString());
        }
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Starts another serving replica with the test profile, these settings and ports of its own, on
     * the test's database, and waits until it is ready. Its log goes to {@code target/<name>.log}.
     */
    public static Replica startReplica(String name, Map<String, String> settings, Duration readyWithin) {
        int management = freePort();
        Map<String, String> all = new HashMap<>(settings);
        all.putAll(TestDatabase.connectionSettings());
        all.put("quarkus.profile", "test");
        all.put("quarkus.http.host", "127.0.0.1");
        all.put("quarkus.http.port", String.valueOf(freePort()));
        all.put("quarkus.management.host", "127.0.0.1");
        all.put("quarkus.management.port", String.valueOf(management));
        Path log = Path.of("target", name + ".log");
        try {
            Process process = processBuilder(all).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Replica replica = new Replica(process, "http://127.0.0.1:" + management, log, Map.copyOf(all));
            replica.awaitReady(readyWithin);
            return replica;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs the packaged application with these settings (and nothing from the test's environment) and
     * these arguments, a command, to its end; its stdout and stderr are kept apart, in
     * {@code target/<name>.out} and {@code target/<name>.err}.
     */
    public static CommandRun runCommand(String name, Map<String, String> settings, Duration within, String... args) {
        Path out = Path.of("target", name + ".out");
        Path err = Path.of("target", name + ".err");
        try {
            Process process = processBuilder(settings, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(name + " did not exit within " + within + ", see " + out + " and " + err);
            }
            return new CommandRun(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What a command run by {@link #runCommand} exited with and printed. */
    public record CommandRun(int exitCode, String stdout, String stderr) {
    }

    /**
     * A serving replica started by {@link #startReplica} with {@code settings} (ports included);
     * closing it stops it (SIGTERM, then SIGKILL).
     */
    public record Replica(Process process, String managementUrl, Path log, Map<String, String> settings) implements AutoCloseable {

        private void awaitReady(Duration within) {
            try {
                Awaitility.await("replica ready, see " + log)
                        .atMost(within)
                        .pollInterval(Duration.ofMillis(200))
                        .until(this::ready);
            } catch (RuntimeException notReady) {
                close();
                throw notReady;
            }
        }

        /** Whether it answers ready now; fails when it has exited. */
        public boolean ready() {
            if (!process.isAlive()) {
                throw new IllegalStateException("the replica exited with " + process.exitValue() + ", see " + log);
            }
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(managementUrl + "/q/health/ready")).timeout(Duration.ofSeconds(3)).build();
                return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public void close() {
            try {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
