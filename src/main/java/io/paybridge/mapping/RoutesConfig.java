package io.paybridge.mapping;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * Where the routes come from: {@code paybridge.routes.*}.
 */
@ConfigMapping(prefix = "paybridge.routes")
public interface RoutesConfig {

    /**
     * A routes file (YAML) replacing the default routes shipped in the application
     * ({@code src/main/resources/routes/default-routes.yaml}); checked at start.
     */
    Optional<Path> file();
}
