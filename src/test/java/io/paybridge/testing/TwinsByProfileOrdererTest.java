package io.paybridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.Test;

/** The packaged tests' order: one launch per profile, and the last launch delivers nothing. */
class TwinsByProfileOrdererTest {

    // Package-private in their own packages, as test classes are.
    private static final Class<?> ADMIN = type("io.paybridge.admin.AdminApiIT");
    private static final Class<?> COMMANDS = type("io.paybridge.command.CommandsIT");
    private static final Class<?> DELIVERY = type("io.paybridge.delivery.DeliveryIT");
    private static final Class<?> JWT_BEARER = type("io.paybridge.delivery.JwtBearerIT");
    private static final Class<?> WEBHOOK = type("io.paybridge.intake.WebhookIT");
    private static final Class<?> RECONCILE = type("io.paybridge.reconcile.ReconcileIT");
    private static final Class<?> RETENTION = type("io.paybridge.retention.RetentionIT");

    @Test
    void profilesThatDeliverLaunchFirstAndTheCommandTestsLast() {
        List<ClassDescriptor> classes = descriptors(COMMANDS, RETENTION, WEBHOOK, RECONCILE,
                DELIVERY, ADMIN, JWT_BEARER);

        new TwinsByProfileOrderer().orderClasses(context(classes));

        assertThat(classes).extracting(ClassDescriptor::getTestClass).containsExactly(
                ADMIN, DELIVERY, JWT_BEARER,
                WEBHOOK, RECONCILE, RETENTION,
                COMMANDS);
    }

    @Test
    void aProfileDeliversWhenItBringsTheFakeSalesforceAndDoesNotSwitchDeliveryOff() {
        assertThat(TwinsByProfileOrderer.delivers(TwinsByProfileOrderer.profile(DELIVERY))).isTrue();
        assertThat(TwinsByProfileOrderer.delivers(TwinsByProfileOrderer.profile(JWT_BEARER))).isTrue();
        assertThat(TwinsByProfileOrderer.delivers(TwinsByProfileOrderer.profile(RECONCILE))).isFalse();
        assertThat(TwinsByProfileOrderer.delivers(TwinsByProfileOrderer.profile(WEBHOOK))).isFalse();
    }

    private static Class<?> type(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ClassDescriptor> descriptors(Class<?>... testClasses) {
        List<ClassDescriptor> descriptors = new ArrayList<>();
        for (Class<?> testClass : testClasses) {
            descriptors.add(new Descriptor(testClass));
        }
        return descriptors;
    }

    private static ClassOrdererContext context(List<ClassDescriptor> classes) {
        return new ClassOrdererContext() {
            @Override
            public List<? extends ClassDescriptor> getClassDescriptors() {
                return classes;
            }

            @Override
            public Optional<String> getConfigurationParameter(String key) {
                return Optional.empty();
            }
        };
    }

    private record Descriptor(Class<?> testClass) implements ClassDescriptor {

        @Override
        public Class<?> getTestClass() {
            return testClass;
        }

        @Override
        public String getDisplayName() {
            return testClass.getSimpleName();
        }

        @Override
        public boolean isAnnotated(Class<? extends Annotation> annotationType) {
            return testClass.isAnnotationPresent(annotationType);
        }

        @Override
        public <A extends Annotation> Optional<A> findAnnotation(Class<A> annotationType) {
            return Optional.ofNullable(testClass.getAnnotation(annotationType));
        }

        @Override
        public <A extends Annotation> List<A> findRepeatableAnnotations(Class<A> annotationType) {
            return List.of(testClass.getAnnotationsByType(annotationType));
        }
    }
}
