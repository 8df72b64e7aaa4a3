package io.paybridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.main.QuarkusMainIntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The whole verification skips the in-process run of every test that has an {@code *IT} subclass (its
 * packaged twin, the same test methods against the packaged application) and runs it as the twin
 * instead, leaving it out by the name the build reads from {@code src/test/packaged-twins.txt}: a
 * name without a twin would leave its tests out unseen, and a twin without its name would run them
 * twice. The developer's loop ({@code scripts/test-fast}) runs them in process.
 */
class TwinsTest {

    @Test
    void everyTestWithAPackagedTwinIsListedAndEveryListedTestHasOne() throws IOException {
        JavaClasses tests = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages("io.paybridge");
        Set<String> twinned = new TreeSet<>();
        for (JavaClass test : tests) {
            if (test.isAnnotatedWith(QuarkusIntegrationTest.class) || test.isAnnotatedWith(QuarkusMainIntegrationTest.class)) {
                test.getRawSuperclass()
                        .filter(parent -> !parent.isEquivalentTo(Object.class))
                        .ifPresent(parent -> twinned.add(parent.getName()));
            }
        }
        assertFalse(twinned.isEmpty(), "no *IT class found among the compiled tests");
        assertEquals(twinned, listedInTheBuild(), "tests with an *IT subclass (left) and the build's src/test/packaged-twins.txt (right)");
    }

    private static Set<String> listedInTheBuild() throws IOException {
        return Files.readAllLines(Path.of("src/test/packaged-twins.txt")).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(source -> source.replaceFirst("\\.java$", "").replace('/', '.'))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
