package io.paybridge.delivery;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * How stored events are claimed, retried and given up on.
 */
@ConfigMapping(prefix = "paybridge.delivery")
public interface DeliveryConfig {

    /** First retry delay; each further failure doubles it, with jitter. */
    @WithDefault("1s")
    Duration minBackoff();

    /** Longest retry delay. */
    @WithDefault("1h")
    Duration maxBackoff();

    /** Attempts before an event becomes {@code dead}. */
    @WithDefault("20")
    @Min(1)
    int maxAttempts();

    /**
     * How long a replica holds the events and records it claimed. A replica that dies loses its
     * claims after this; keep it well above {@code paybridge.salesforce.timeout}.
     */
    @WithDefault("60s")
    Duration lease();

    /** Salesforce calls in flight at once per replica. */
    @WithDefault("4")
    @Min(1)
    @Max(64)
    int concurrency();

    /** Most events claimed at once. */
    @WithDefault("1000")
    @Min(1)
    @Max(10000)
    int claimSize();

    /** Pause between claims when there was nothing due. */
    @WithDefault("1s")
    Duration pollInterval();
}
