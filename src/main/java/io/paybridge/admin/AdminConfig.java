package io.paybridge.admin;

import java.util.Optional;

import io.paybridge.app.ConfigBounds;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

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
    int defaultPageSize();

    /** The largest {@code limit} a caller may ask for. */
    @WithDefault("1000")
    int maxPageSize();

    /** The bounds of these properties, checked as the configuration is read (config/ConfigChecks). */
    static void check(AdminConfig admin, ConfigBounds bounds) {
        bounds.between("default-page-size", admin.defaultPageSize(), 1, 1000);
        bounds.between("max-page-size", admin.maxPageSize(), 1, 10000);
    }
}
