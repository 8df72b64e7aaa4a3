package io.paybridge.testing;

import java.util.Optional;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.util.QuarkusTestProfileAwareClassOrderer;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Orders the integration tests by test profile, as Quarkus orders the in-process ones, so that the
 * classes of one profile run one after another and share a launch of the packaged application.
 *
 * <p>Quarkus's orderer reads {@link TestProfile} on the class itself; a {@code *IT} twin inherits it
 * from its {@code *Test}, where Quarkus's extensions find it, so without this every twin would sort as
 * a class without a profile, by name, and relaunch the application.
 */
public class TwinsByProfileOrderer extends QuarkusTestProfileAwareClassOrderer {

    @Override
    protected Optional<String> getCustomOrderKey(ClassDescriptor classDescriptor, ClassOrdererContext context) {
        Class<?> testClass = classDescriptor.getTestClass();
        if (!classDescriptor.isAnnotated(QuarkusIntegrationTest.class)) {
            return Optional.empty();
        }
        return profile(testClass).map(profile -> DEFAULT_ORDER_PREFIX_QUARKUS_TEST_WITH_PROFILE + profile.getName()
                + "@" + testClass.getName());
    }

    private static Optional<Class<?>> profile(Class<?> testClass) {
        for (Class<?> type = testClass; type != null && type != Object.class; type = type.getSuperclass()) {
            TestProfile profile = type.getAnnotation(TestProfile.class);
            if (profile != null) {
                return Optional.of(profile.value());
            }
        }
        return Optional.empty();
    }
}
