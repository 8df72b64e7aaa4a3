package io.paybridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.paybridge.testing.HasPackagedTwin;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.main.QuarkusMainIntegrationTest;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The whole verification skips the in-process run of every test marked {@link HasPackagedTwin} and
 * runs it as its {@code *IT} subclass instead: a mark without a twin would leave tests out of it
 * unseen, and a twin without the mark would run them twice.
 */
class TwinsTest {

    @Test
    void everyTestWithAPackagedTwinIsMarkedAndEveryMarkedTestHasOne() {
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
        Set<String> marked = new TreeSet<>();
        for (JavaClass test : tests) {
            if (test.isAnnotatedWith(HasPackagedTwin.class)) {
                marked.add(test.getName());
            }
        }
        assertFalse(twinned.isEmpty(), "no *IT class found among the compiled tests");
        assertEquals(twinned, marked, "tests with an *IT subclass (left) and tests marked @HasPackagedTwin (right)");
    }
}
