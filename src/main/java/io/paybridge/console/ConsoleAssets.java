package io.paybridge.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.vertx.core.buffer.Buffer;

/**
 * The console's files, read once from {@code console/} on the class path and kept in memory: a
 * fixed list, so that nothing else on the class path can be served and the native executable needs
 * only {@code quarkus.native.resources.includes=console/**}. Served from memory rather than through a
 * static handler, which would unpack class-path files into a cache directory on a read-only root
 * filesystem.
 */
final class ConsoleAssets {

    /** File name -> content type. index.html is the page itself. */
    static final Map<String, String> FILES = Map.ofEntries(
            Map.entry("index.html", "text/html; charset=utf-8"),
            Map.entry("console.css", "text/css; charset=utf-8"),
            Map.entry("app.js", "text/javascript; charset=utf-8"),
            Map.entry("api.js", "text/javascript; charset=utf-8"),
            Map.entry("chart.js", "text/javascript; charset=utf-8"),
            Map.entry("dom.js", "text/javascript; charset=utf-8"),
            Map.entry("format.js", "text/javascript; charset=utf-8"),
            Map.entry("metrics.js", "text/javascript; charset=utf-8"),
            Map.entry("query.js", "text/javascript; charset=utf-8"));

    private final Map<String, Asset> assets;

    private ConsoleAssets(Map<String, Asset> assets) {
        this.assets = assets;
    }

    static ConsoleAssets load() {
        Map<String, Asset> assets = new LinkedHashMap<>();
        FILES.forEach((name, contentType) -> assets.put(name, new Asset(contentType, read("console/" + name))));
        return new ConsoleAssets(assets);
    }

    Optional<Asset> get(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    private static Buffer read(String resource) {
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the console file " + resource + " is missing from the class path");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Asset(String contentType, Buffer content) {
    }
}
