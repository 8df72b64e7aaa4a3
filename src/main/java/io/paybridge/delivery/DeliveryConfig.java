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

    /**
     * Turns run side by side per replica: while one waits for Salesforce, another claims, maps
     * and settles. More than one helps a backlog of many distinct objects, and hurts one where
     * the workers keep meeting on the same records (they wait for each other's leases).
     */
    @WithDefault("1")
    @Min(1)
    @Max(16)
    int workers();

    /** Most events claimed at once. */
    @WithDefault("1000")
    @Min(1)
    @Max(10000)
    int claimSize();

    /** Pause between claims when there was nothing due. */
    @WithDefault("1s")
    Duration pollInterval();
}
