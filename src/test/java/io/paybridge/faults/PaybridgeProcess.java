package io.paybridge.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.paybridge.testing.PackagedApplication;
import org.awaitility.Awaitility;

/**
 * The packaged application as a process of its own (the jar {@code ./mvnw package} made, or the
 * native executable when the build made one), on fixed
 * loopback ports that survive restarts, with its log in {@code target/faults/}. It can be killed
 * with SIGKILL, stopped with SIGTERM and started again.
 */
final class PaybridgeProcess implements AutoCloseable {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Map<String, String> config;
    private final int httpPort = ThrowawayPostgres.freePort();
    private final int managementPort = ThrowawayPostgres.freePort();
    private Process process;
    private int starts;

    PaybridgeProcess(String name, Map<String, String> config) {
        this.name = name;
        this.config = new TreeMap<>(config);
    }

    /** Starts the application and waits until it is ready (database reachable, migrated). */
    PaybridgeProcess start() {
        try {
            Files.createDirectories(Path.of("target", "faults"));
            boolean nativeBuild = Files.isRegularFile(PackagedApplication.nativeRunner());
            List<String> command = new ArrayList<>(nativeBuild
                    ? List.of(PackagedApplication.nativeRunner().toString(), "-Xmx256m")
                    : List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+UseSerialGC"));
            if (!nativeBuild) {
                command.addAll(PackagedApplication.aotCacheOption());
            }
            command.addAll(List.of(
                    "-Dquarkus.http.port=" + httpPort,
                    "-Dquarkus.management.port=" + managementPort,
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.management.host=127.0.0.1"));
            config.forEach((key, value) -> command.add("-D" + key + "=" + value));
            if (!nativeBuild) {
                command.add("-jar");
                command.add(JAR.toAbsolutePath().toString());
            }
            Path log = Path.of("target", "faults", name + "-" + (++starts) + ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // Only the configuration given here: the test database of the surrounding build must not leak in.
            builder.environment().keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("PAYBRIDGE_"));
            process = builder.start();
            awaitReady(Duration.ofSeconds(60));
            return this;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: no shutdown hook, no graceful drain, exactly a crashed pod. */
    void kill9() {
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGTERM: Quarkus' graceful shutdown. */
    void stop() {
        process.destroy();
        awaitExit();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    int httpPort() {
        return httpPort;
    }

    String webhookUrl(String account) {
        return "http://127.0.0.1:" + httpPort + "/webhooks/stripe" + ("default".equals(account) ? "" : "/" + account);
    }

    /** HTTP status of the readiness probe, or 0 when the application does not answer. */
    int readiness() {
        return probe("/q/health/ready");
    }

    int probe(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                    .timeout(Duration.ofSeconds(3)).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The Prometheus text of /q/metrics, or "" when the application does not answer. */
    String metrics() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/metrics"))
                    .timeout(Duration.ofSeconds(3)).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Resident memory of the process in MiB, from /proc. */
    long residentMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        if (alive()) {
            process.destroyForcibly();
            awaitExit();
        }
    }

    private void awaitReady(Duration timeout) {
        Awaitility.await(name + " ready; see target/faults/")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(this::ready);
    }

    private boolean ready() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + " while starting; see target/faults/");
        }
        return readiness() == 200;
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
