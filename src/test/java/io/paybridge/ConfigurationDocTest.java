package io.paybridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md against the code: every property of every {@code @ConfigMapping} is listed
 * with its default, and the page lists no {@code paybridge.*} property the code does not read.
 * The meaning column is the operator's; the names and defaults cannot drift.
 */
class ConfigurationDocTest {

    private static final Path PAGE = Path.of("docs", "configuration.md");
    /** A table row's first cell: one property, or "a / b" for two written as one row. */
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `([^`]+)`(?: / `([^`]+)`)? \\| ([^|]*) \\|");

    /** Read by an annotation's expression rather than a mapping: {@code @Scheduled} in DeliveryMetrics. */
    private static final Map<String, String> OUTSIDE_MAPPINGS = Map.of("paybridge.metrics.refresh", "10s");

    /** Property (with {@code <name>} for a map key) to its default, or null when it has none. */
    private static final Map<String, String> properties = new TreeMap<>();
    private static final Map<String, String> documented = new TreeMap<>();

    @BeforeAll
    static void readCodeAndPage() throws IOException {
        new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.paybridge")
                .stream()
                .filter(javaClass -> javaClass.isAnnotatedWith(ConfigMapping.class))
                .map(javaClass -> javaClass.reflect())
                .forEach(mapping -> collect(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping));
        properties.putAll(OUTSIDE_MAPPINGS);
        Matcher row = ROW.matcher(Files.readString(PAGE));
        while (row.find()) {
            documented.put(row.group(1), row.group(3));
            if (row.group(2) != null) {
                String second = row.group(2).contains(".") ? row.group(2)
                        : row.group(1).substring(0, row.group(1).lastIndexOf('.') + 1) + row.group(2);
                documented.put(second, row.group(3));
            }
        }
    }

    @Test
    void everyPropertyIsDocumentedWithItsDefault() {
        assertThat(properties).as("the @ConfigMapping interfaces").isNotEmpty();
        List<String> missing = new ArrayList<>();
        List<String> wrongDefault = new ArrayList<>();
        properties.forEach((property, defaultValue) -> {
            String documentedDefault = documented.get(property);
            if (documentedDefault == null) {
                missing.add(property);
            } else if (defaultValue != null && !documentedDefault.contains("`" + defaultValue + "`")) {
                wrongDefault.add(property + " (the code says " + defaultValue + ", the page " + documentedDefault.trim() + ")");
            }
        });
        assertThat(missing).as("properties missing from " + PAGE).isEmpty();
        assertThat(wrongDefault).as("defaults that differ from the code").isEmpty();
    }

    @Test
    void thePageListsNoPropertyTheCodeDoesNotRead() {
        Set<String> unknown = new TreeSet<>(documented.keySet());
        unknown.removeIf(property -> !property.startsWith("paybridge.") || properties.containsKey(property));
        assertThat(unknown).isEmpty();
    }

    private static void collect(String prefix, Class<?> group) {
        for (Method method : group.getMethods()) {
            if (method.isDefault() || method.getParameterCount() > 0 || method.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = method.isAnnotationPresent(WithParentName.class) ? prefix
                    : prefix + "." + (method.isAnnotationPresent(WithName.class)
                            ? method.getAnnotation(WithName.class).value() : kebab(method.getName()));
            Type type = unwrapOptional(method.getGenericReturnType());
            if (type instanceof ParameterizedType map && map.getRawType() == Map.class) {
                Type value = map.getActualTypeArguments()[1];
                if (value instanceof Class<?> valueGroup && isGroup(valueGroup)) {
                    collect(name + ".<name>", valueGroup);
                } else {
                    properties.put(name + ".<name>", null);
                }
            } else if (type instanceof Class<?> nested && isGroup(nested)) {
                collect(name, nested);
            } else {
                properties.put(name, method.isAnnotationPresent(WithDefault.class)
                        ? method.getAnnotation(WithDefault.class).value() : null);
            }
        }
    }

    private static Type unwrapOptional(Type type) {
        if (type instanceof ParameterizedType optional && optional.getRawType() == Optional.class) {
            return optional.getActualTypeArguments()[0];
        }
        return type;
    }

    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && type.getPackageName().startsWith("io.paybridge");
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
