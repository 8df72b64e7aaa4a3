package io.paybridge.config;

import io.paybridge.admin.AdminConfig;
import io.paybridge.app.ConfigBounds;
import io.paybridge.delivery.DeliveryConfig;
import io.paybridge.intake.IntakeConfig;
import io.paybridge.reconcile.ReconcileConfig;
import io.paybridge.retention.RetentionConfig;
import io.paybridge.salesforce.SalesforceConfig;
import io.paybridge.stripe.StripeConfig;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.ConfigValidationException.Problem;
import io.smallrye.config.ConfigValidator;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SmallRyeConfigBuilderCustomizer;

/**
 * Checks each Paybridge mapping's bounds when SmallRye Config builds it (registered in
 * {@code META-INF/services}, which Quarkus wires into the configuration it generates, native
 * included).
 * <p>
 * In place of Hibernate Validator's config validation, which Quarkus runs over the metadata of every
 * mapping on the class path (about 190, its own included): that alone took a quarter of the main
 * thread's time to start (docs/benchmarks.md), for the thirty bounds of Paybridge's own.
 */
public class ConfigChecks implements SmallRyeConfigBuilderCustomizer, ConfigValidator {

    @Override
    public void configBuilder(SmallRyeConfigBuilder builder) {
        builder.withValidator(this);
    }

    @Override
    public void validateMapping(Class<?> mappingClass, String prefix, Object mapping) {
        ConfigBounds bounds = new ConfigBounds(prefix);
        switch (mapping) {
            case AdminConfig admin -> AdminConfig.check(admin, bounds);
            case DeliveryConfig delivery -> DeliveryConfig.check(delivery, bounds);
            case IntakeConfig intake -> IntakeConfig.check(intake, bounds);
            case ReconcileConfig reconcile -> ReconcileConfig.check(reconcile, bounds);
            case RetentionConfig retention -> RetentionConfig.check(retention, bounds);
            case SalesforceConfig salesforce -> SalesforceConfig.check(salesforce, bounds);
            case StripeConfig stripe -> StripeConfig.check(stripe, bounds);
            default -> {
                // Quarkus's mappings and Paybridge's without bounds: their converters are their check.
            }
        }
        if (!bounds.problems().isEmpty()) {
            throw new ConfigValidationException(bounds.problems().stream().map(Problem::new).toArray(Problem[]::new));
        }
    }
}
