package io.paybridge.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code @QuarkusTest} whose every test also runs, unchanged, against the packaged
 * application in its {@code *IT} subclass. The whole verification ({@code scripts/test}, the
 * {@code faults} profile) runs such tests once, as the twin, against what ships; the developer's
 * loop ({@code scripts/test-fast}) runs them in process, where they are quicker to start and debug.
 * The build leaves such tests out of its in-process run by name, from {@code src/test/packaged-twins.txt};
 * {@code TwinsTest} fails when this mark, an {@code *IT} subclass and that list do not go together, so
 * that no test is left out of the whole verification or run twice.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface HasPackagedTwin {
}
