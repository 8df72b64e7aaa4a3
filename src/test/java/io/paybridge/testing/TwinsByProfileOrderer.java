package io.paybridge.testing;

import java.util.Comparator;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Orders the integration tests by test profile, so that the classes of one profile run one after
 * another and share a launch of the packaged application instead of one launch each.
 *
 * <p>Quarkus orders the in-process tests by the class loader it gives each profile; its orderer does
 * not group the {@code *IT} twins, whose {@link TestProfile} is inherited from their {@code *Test}, and
 * they ran by name, each relaunching the application.
 */
public class TwinsByProfileOrderer implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator
                .comparing(TwinsByProfileOrderer::launchesLater)
                .thenComparing(TwinsByProfileOrderer::profile)
                .thenComparing(descriptor -> descriptor.getTestClass().getName()));
    }

    /**
     * The command tests come last, as Quarkus orders them: the last launched application keeps
     * running until the end, and the last profile's (retention) delivers nothing a command test
     * stores; a delivering one would take those events.
     */
    private static boolean launchesLater(ClassDescriptor descriptor) {
        return !descriptor.isAnnotated(QuarkusIntegrationTest.class);
    }

    /** The profile's name; empty for the default profile and for classes that are not Quarkus tests. */
    private static String profile(ClassDescriptor descriptor) {
        for (Class<?> type = descriptor.getTestClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            TestProfile profile = type.getAnnotation(TestProfile.class);
            if (profile != null) {
                return profile.value().getName();
            }
        }
        return "";
    }
}
