package io.paybridge.mapping;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Loads the routes once, at start (the {@link EventMapper} is a startup bean), so that a broken
 * routes file stops the application with its message instead of failing events one by one.
 */
@ApplicationScoped
public class RoutesProducer {

    private static final Logger LOG = Logger.getLogger(RoutesProducer.class);

    @Produces
    @Singleton
    Routes routes(RoutesConfig config) {
        Routes routes = config.file().map(RoutesProducer::read).orElseGet(Routes::defaults);
        LOG.infof("Routes loaded from %s: %d routes", config.file().map(Path::toString).orElse(Routes.DEFAULT_RESOURCE),
                routes.routes().size());
        return routes;
    }

    private static Routes read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Routes.parse(in, file.toString());
        } catch (IOException e) {
            throw new RoutesValidationException("routes file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
