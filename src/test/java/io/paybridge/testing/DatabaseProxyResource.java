package io.paybridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkus.test.common.DevServicesContext;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Puts a {@link TcpProxy} between the application's reactive pool and the real PostgreSQL, so a test
 * can take the database away from the running application and give it back. Flyway keeps its direct
 * JDBC connection: the schema is migrated before the test starts cutting.
 */
public final class DatabaseProxyResource implements QuarkusTestResourceLifecycleManager, DevServicesContext.ContextAware {

    private static final Pattern URL = Pattern.compile("postgresql://([^:/]+):(\\d+)/([^?]+)");
    private static volatile TcpProxy proxy;
    private Map<String, String> devServices = Map.of();

    public static TcpProxy proxy() {
        return proxy;
    }

    @Override
    public void setIntegrationTestContext(DevServicesContext context) {
        devServices = context.devServicesProperties();
    }

    @Override
    public Map<String, String> start() {
        String url = devServices.containsKey("quarkus.datasource.reactive.url")
                ? devServices.get("quarkus.datasource.reactive.url")
                : TestDatabase.setting("quarkus.datasource.reactive.url");
        Matcher matcher = URL.matcher(url);
        if (!matcher.find()) {
            throw new IllegalStateException("cannot read host and port from the reactive URL");
        }
        try {
            proxy = new TcpProxy(matcher.group(1), Integer.parseInt(matcher.group(2)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("quarkus.datasource.reactive.url",
                "postgresql://127.0.0.1:" + proxy.port() + "/" + matcher.group(3));
    }

    @Override
    public void stop() {
        // The packaged application of the next test class must not inherit the proxy's address.
        System.clearProperty("quarkus.datasource.reactive.url");
        try {
            proxy.close();
        } catch (IOException ignored) {
            // the test is over
        }
    }
}
