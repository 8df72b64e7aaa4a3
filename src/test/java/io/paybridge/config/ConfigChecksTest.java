package io.paybridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;

import io.paybridge.admin.AdminConfig;
import io.paybridge.delivery.DeliveryConfig;
import io.paybridge.intake.IntakeConfig;
import io.paybridge.reconcile.ReconcileConfig;
import io.paybridge.retention.RetentionConfig;
import io.paybridge.salesforce.SalesforceConfig;
import io.paybridge.stripe.StripeConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SmallRyeConfigBuilderCustomizer;
import org.junit.jupiter.api.Test;

/**
 * The mappings' bounds as SmallRye Config applies them when it reads the configuration: the
 * defaults pass, and each value out of bounds is named, with every other problem, in one error.
 */
class ConfigChecksTest {

    /** How Quarkus finds it: the configuration it generates at build time calls each one listed. */
    @Test
    void isRegisteredAsAConfigBuilderCustomizer() {
        assertThat(ServiceLoader.load(SmallRyeConfigBuilderCustomizer.class).stream().map(ServiceLoader.Provider::type))
                .contains(ConfigChecks.class);
    }

    @Test
    void theDefaultsAreWithinTheirBounds() {
        SmallRyeConfig config = read(Map.of());

        assertThat(config.getConfigMapping(DeliveryConfig.class).workers()).isEqualTo(2);
        assertThat(config.getConfigMapping(SalesforceConfig.class).apiVersion()).isEqualTo("v66.0");
    }

    @Test
    void valuesAtTheirBoundsPass() {
        SmallRyeConfig config = read(Map.of(
                "paybridge.delivery.workers", "16",
                "paybridge.salesforce.max-api-usage", "1",
                "paybridge.salesforce.circuit.failure-ratio", "0.01",
                "paybridge.reconcile.window", "30d",
                "paybridge.reconcile.every", "0s"));

        assertThat(config.getConfigMapping(DeliveryConfig.class).workers()).isEqualTo(16);
    }

    @Test
    void everyValueOutOfItsBoundsIsNamedInOneError() {
        assertThatThrownBy(() -> read(Map.of(
                "paybridge.delivery.workers", "0",
                "paybridge.delivery.claim-size", "10001",
                "paybridge.intake.max-batch-size", "0",
                "paybridge.salesforce.api-version", "66",
                "paybridge.salesforce.max-api-usage", "0",
                "paybridge.salesforce.retry.max-retries", "6",
                "paybridge.reconcile.window", "31d",
                "paybridge.admin.max-page-size", "0",
                "paybridge.retention.max-batches", "0",
                "paybridge.stripe.page-size", "101")))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("paybridge.delivery.workers must be between 1 and 16 (is 0)")
                .hasMessageContaining("paybridge.delivery.claim-size must be between 1 and 10000 (is 10001)")
                .hasMessageContaining("paybridge.intake.max-batch-size must be between 1 and 5000 (is 0)")
                .hasMessageContaining("paybridge.salesforce.api-version must look like v66.0 (is 66)")
                .hasMessageContaining("paybridge.salesforce.max-api-usage must be above 0.0 and at most 1.0 (is 0.0)")
                .hasMessageContaining("paybridge.salesforce.retry.max-retries must be between 0 and 5 (is 6)")
                .hasMessageContaining("paybridge.reconcile.window must be between PT1S and PT720H (is PT744H)")
                .hasMessageContaining("paybridge.admin.max-page-size must be between 1 and 10000 (is 0)")
                .hasMessageContaining("paybridge.retention.max-batches must be at least 1 (is 0)")
                .hasMessageContaining("paybridge.stripe.page-size must be between 1 and 100 (is 101)");
    }

    @Test
    void deliveryThatCannotAuthenticateIsRefused() {
        assertThatThrownBy(() -> read(Map.of("paybridge.salesforce.client-id", "3MVG9")))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("paybridge.salesforce.client-secret must be set when delivery is enabled "
                        + "with auth=client-credentials");
        assertThatThrownBy(() -> read(Map.of("paybridge.salesforce.enabled", "true")))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("paybridge.salesforce.client-id must be set when delivery is enabled");
        assertThatThrownBy(() -> read(Map.of("paybridge.salesforce.client-id", "3MVG9",
                "paybridge.salesforce.auth", "jwt-bearer")))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("paybridge.salesforce.username must be set")
                .hasMessageContaining("paybridge.salesforce.private-key must be set (or private-key-file)");
        assertThatThrownBy(() -> read(Map.of("paybridge.salesforce.client-id", "3MVG9",
                "paybridge.salesforce.auth", "jwt-bearer", "paybridge.salesforce.username", "ops@example.org",
                "paybridge.salesforce.private-key", "-----BEGIN PRIVATE KEY-----",
                "paybridge.salesforce.private-key-file", "/etc/paybridge/salesforce.key")))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("paybridge.salesforce.private-key and paybridge.salesforce.private-key-file "
                        + "are both set: set one of them");
    }

    @Test
    void credentialsAreOnlyAskedForWhenDeliveryIsOn() {
        assertThat(read(Map.of()).getConfigMapping(SalesforceConfig.class).deliveryEnabled()).isFalse();
        assertThat(read(Map.of("paybridge.salesforce.client-id", "3MVG9", "paybridge.salesforce.enabled", "false"))
                .getConfigMapping(SalesforceConfig.class).deliveryEnabled()).isFalse();
        assertThat(read(Map.of("paybridge.salesforce.client-id", "3MVG9", "paybridge.salesforce.client-secret", "s3cr3t"))
                .getConfigMapping(SalesforceConfig.class).deliveryEnabled()).isTrue();
    }

    @Test
    void aNegativeDurationIsRefused() {
        assertThatThrownBy(() -> read(Map.of("paybridge.reconcile.full-every", "-1s")))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("paybridge.reconcile.full-every must be at least PT0S (is PT-1S)");
    }

    private static SmallRyeConfig read(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                // Quarkus's own converters, which it registers for the application
                .withConverter(Duration.class, 100, new DurationConverter())
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .withMapping(AdminConfig.class)
                .withMapping(DeliveryConfig.class)
                .withMapping(IntakeConfig.class)
                .withMapping(ReconcileConfig.class)
                .withMapping(RetentionConfig.class)
                .withMapping(SalesforceConfig.class)
                .withMapping(StripeConfig.class)
                .withCustomizers(new ConfigChecks())
                .build();
    }
}
