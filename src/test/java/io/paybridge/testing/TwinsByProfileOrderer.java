package io.paybridge.testing;

import java.util.Comparator;
import java.util.Map;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
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
 *
 * <p>The last application launched keeps running until the end, beside the command tests, which come
 * last as Quarkus orders them and store events of their own: a delivering application would take
 * those events. So the profiles that deliver (they bring the fake Salesforce) launch first, and the
 * last one launched delivers nothing, whatever profiles are added and whatever their names.
 */
public class TwinsByProfileOrderer implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator
                .comparing(TwinsByProfileOrderer::launchesLater)
                .thenComparing(descriptor -> !delivers(profile(descriptor.getTestClass())))
                .thenComparing(descriptor -> profileName(descriptor.getTestClass()))
                .thenComparing(descriptor -> descriptor.getTestClass().getName()));
    }

    /** The command tests launch the application themselves, after the packaged application tests. */
    private static boolean launchesLater(ClassDescriptor descriptor) {
        return !descriptor.isAnnotated(QuarkusIntegrationTest.class);
    }

    /** The profile a test class runs with, its own or inherited; null for the default profile. */
    static Class<? extends QuarkusTestProfile> profile(Class<?> testClass) {
        for (Class<?> type = testClass; type != null && type != Object.class; type = type.getSuperclass()) {
            TestProfile profile = type.getAnnotation(TestProfile.class);
            if (profile != null) {
                return profile.value();
            }
        }
        return null;
    }

    private static String profileName(Class<?> testClass) {
        Class<? extends QuarkusTestProfile> profile = profile(testClass);
        return profile == null ? "" : profile.getName();
    }

    /**
     * Whether an application of this profile delivers: it brings the fake Salesforce, whose settings
     * switch delivery on, and does not switch it off. The default test profile has no Salesforce.
     */
    static boolean delivers(Class<? extends QuarkusTestProfile> profile) {
        if (profile == null) {
            return false;
        }
        QuarkusTestProfile settings;
        try {
            settings = profile.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Test profile " + profile.getName() + " cannot be created", e);
        }
        Map<String, String> overrides = settings.getConfigOverrides();
        if ("false".equals(overrides.get("paybridge.salesforce.enabled"))) {
            return false;
        }
        return "true".equals(overrides.get("paybridge.salesforce.enabled"))
                || settings.testResources().stream().anyMatch(entry -> entry.getClazz() == FakeSalesforceResource.class);
    }
}
