package io.paybridge.testing;

import java.util.Comparator;
import java.util.HashMap;
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
        // A profile is created to see whether it delivers: once per class, not once per comparison.
        Map<ClassDescriptor, Launch> launches = new HashMap<>();
        context.getClassDescriptors().forEach(descriptor -> launches.put(descriptor, Launch.of(descriptor)));
        context.getClassDescriptors().sort(Comparator.comparing(launches::get, Launch.ORDER));
    }

    /** Where a test class's launch of the application goes in the run. */
    private record Launch(boolean later, boolean quiet, String profile, String testClass) {

        static final Comparator<Launch> ORDER = Comparator.comparing(Launch::later)
                .thenComparing(Launch::quiet)
                .thenComparing(Launch::profile)
                .thenComparing(Launch::testClass);

        static Launch of(ClassDescriptor descriptor) {
            Class<? extends QuarkusTestProfile> profile = TwinsByProfileOrderer.profile(descriptor.getTestClass());
            return new Launch(launchesLater(descriptor), !delivers(profile), profile == null ? "" : profile.getName(),
                    descriptor.getTestClass().getName());
        }
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

    /**
     * Whether an application of this profile delivers: as {@code paybridge.salesforce.enabled} says
     * when the profile sets it, otherwise when it brings the fake Salesforce, whose settings switch
     * delivery on. The default test profile has no Salesforce.
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
        String enabled = settings.getConfigOverrides().get("paybridge.salesforce.enabled");
        if (enabled != null) {
            return Boolean.parseBoolean(enabled);
        }
        return settings.testResources().stream().anyMatch(entry -> entry.getClazz() == FakeSalesforceResource.class);
    }
}
