package io.paybridge.admin;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.paybridge.testing.TestDatabase;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link ReprocessDeliveryTest} against the packaged application, with {@code reprocess} run as a
 * second process of the packaged executable (the native one when the build made it), as a
 * Kubernetes Job runs it beside the serving pods.
 */
@QuarkusIntegrationTest
class ReprocessDeliveryIT extends ReprocessDeliveryTest {

    @Override
    protected CommandResult reprocess(String... args) throws Exception {
        Path nativeRunner = Path.of(System.getProperty("native.image.path", "target/none"));
        List<String> command = new ArrayList<>(Files.isRegularFile(nativeRunner)
                ? List.of(nativeRunner.toString())
                : List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (!Files.isRegularFile(nativeRunner)) {
            // The JVM options the integration tests launch the application with (pom.xml).
            command.addAll(Arrays.asList(System.getProperty("quarkus.test.arg-line", "").split("\\s+")));
            command.removeIf(String::isBlank);
        }
        command.addAll(List.of(
                "-Dquarkus.profile=test",
                "-Dquarkus.http.port=0",
                "-Dquarkus.management.port=0",
                "-Dpaybridge.salesforce.enabled=false"));
        TestDatabase.connectionSettings().forEach((name, value) -> command.add("-D" + name + "=" + value));
        if (!Files.isRegularFile(nativeRunner)) {
            command.add("-jar");
            command.add(Path.of("target", "quarkus-app", "quarkus-run.jar").toString());
        }
        command.addAll(List.of(prepend("reprocess", args)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("reprocess did not exit within 2 minutes:\n" + output);
        }
        return new CommandResult(process.exitValue(), output);
    }
}
