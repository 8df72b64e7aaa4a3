package io.paybridge.admin;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * The admin API on the management interface: {@code paybridge.admin.*}.
 */
@ConfigMapping(prefix = "paybridge.admin")
public interface AdminConfig {

    /**
     * When set, every admin call must carry {@code Authorization: Bearer <token>}. Leave unset only
     * where the management port is reachable by operators alone (the NetworkPolicy of {@code k8s/}).
     */
    Optional<String> token();

    /** Events per page of {@code GET /admin/events} when the caller gives no {@code limit}. */
    @WithDefault("100")
    @Min(1)
    @Max(1000)
    int defaultPageSize();

    /** The largest {@code limit} a caller may ask for. */
    @WithDefault("1000")
    @Min(1)
    @Max(10000)
    int maxPageSize();
}
