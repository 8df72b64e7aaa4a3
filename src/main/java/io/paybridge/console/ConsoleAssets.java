package io.paybridge.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
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

    /** The files served, and nothing else. index.html is the page itself. */
    static final List<String> FILES = List.of("index.html", "console.css",
            "app.js", "api.js", "chart.js", "dom.js", "format.js", "metrics.js", "query.js");

    private final Map<String, Asset> assets;

    private ConsoleAssets(Map<String, Asset> assets) {
        this.assets = assets;
    }

    static ConsoleAssets load() {
        Map<String, Asset> assets = new LinkedHashMap<>();
        FILES.forEach(name -> assets.put(name, new Asset(contentType(name), read("console/" + name))));
        return new ConsoleAssets(assets);
    }

    Optional<Asset> get(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    private static String contentType(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        return switch (extension) {
            case "html" -> "text/html; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            default -> throw new IllegalArgumentException("no content type for the console file " + name);
        };
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
