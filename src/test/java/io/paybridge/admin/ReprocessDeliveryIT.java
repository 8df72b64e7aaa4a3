package io.paybridge.admin;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.paybridge.testing.PackagedApplication;
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
        Map<String, String> settings = new HashMap<>(TestDatabase.connectionSettings());
        settings.putAll(Map.of(
                "quarkus.profile", "test",
                "quarkus.http.port", "0",
                "quarkus.management.port", "0",
                "paybridge.salesforce.enabled", "false"));
        Process process = PackagedApplication.processBuilder(settings, prepend("reprocess", args))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("reprocess did not exit within 2 minutes:\n" + output);
        }
        return new CommandResult(process.exitValue(), output);
    }
}
