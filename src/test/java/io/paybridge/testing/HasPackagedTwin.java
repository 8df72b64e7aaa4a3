package io.paybridge.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a {@code @QuarkusTest} whose every test also runs, unchanged, against the packaged
 * application in its {@code *IT} subclass. The whole verification ({@code scripts/test}, the
 * {@code faults} profile) runs such tests once, as the twin, against what ships; the developer's
 * loop ({@code scripts/test-fast}) runs them in process, where they are quicker to start and debug.
 * {@code TwinsTest} fails when this mark and an {@code *IT} subclass do not go together, so that no
 * test is left out of the whole verification.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(HasPackagedTwin.TAG)
public @interface HasPackagedTwin {

    /** The JUnit tag behind this mark, as the build's {@code surefire.excludedGroups} names it. */
    String TAG = "has-packaged-twin";
}
