package io.paybridge.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paybridge.accounts.Accounts;
import io.paybridge.accounts.AccountsConfig;
import org.junit.jupiter.api.Test;

/**
 * The reconciliation alert fires at 3 x {@code paybridge.reconcile.every}: the rule reads the
 * schedule from {@code paybridge_reconcile_every_seconds}, which exists only while it is on.
 */
class ReconcileMetricsScheduleTest {

    @Test
    void reportsTheScheduleWhileItIsOn() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        new ReconcileMetrics(registry, accounts(), every(Duration.ofMinutes(20)));

        Gauge every = registry.find("paybridge.reconcile.every.seconds").gauge();
        assertThat(every).isNotNull();
        assertThat(every.value()).isEqualTo(1200.0);
    }

    @Test
    void reportsNoScheduleWhenItIsOff() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        new ReconcileMetrics(registry, accounts(), every(Duration.ZERO));

        assertThat(registry.find("paybridge.reconcile.every.seconds").gauge()).isNull();
        assertThat(registry.find("paybridge.reconcile.last.success.timestamp.seconds").tag("account", "shop").gauge())
                .isNotNull();
    }

    private static Accounts accounts() {
        AccountsConfig.Account shop = new AccountsConfig.Account() {
            @Override
            public Optional<List<String>> webhookSecrets() {
                return Optional.of(List.of("whsec_shop"));
            }

            @Override
            public Optional<String> apiKey() {
                return Optional.of("rk_test_shop");
            }
        };
        return new Accounts(() -> Map.of("shop", shop));
    }

    private static ReconcileConfig every(Duration every) {
        return new ReconcileConfig() {
            @Override
            public Duration every() {
                return every;
            }

            @Override
            public Duration window() {
                return Duration.ofHours(72);
            }

            @Override
            public Duration fullEvery() {
                return Duration.ofHours(24);
            }

            @Override
            public Duration lease() {
                return Duration.ofMinutes(5);
            }

            @Override
            public int rateLimitRetries() {
                return 3;
            }

            @Override
            public Duration rateLimitBackoff() {
                return Duration.ofSeconds(1);
            }
        };
    }
}
