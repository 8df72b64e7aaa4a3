package io.paybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a command's process is configured with, and that whatever a user sets still wins. The
 * packaged command beside a running server: {@code CommandsIT}.
 */
class CommandModeConfigTest {

    @AfterEach
    void serving() {
        CommandModeConfig.commandLine();
    }

    @Test
    void aServingProcessGetsNothing() {
        CommandModeConfig.commandLine();

        SmallRyeConfig config = config(Map.of());

        assertThat(config.getOptionalValue("quarkus.http.host-enabled", Boolean.class)).isEmpty();
        assertThat(config.getOptionalValue("quarkus.log.console.stderr", Boolean.class)).isEmpty();
        assertThat(new CommandModeConfig().getPropertyNames()).isEmpty();
    }

    @Test
    void aCommandOpensNoPortRunsNoScheduleAndLogsOnStderr() {
        CommandModeConfig.commandLine("reprocess", "--dry-run");

        SmallRyeConfig config = config(Map.of());

        assertThat(config.getValue("quarkus.http.host-enabled", Boolean.class)).isFalse();
        assertThat(config.getValue("quarkus.management.host-enabled", Boolean.class)).isFalse();
        assertThat(config.getValue("quarkus.scheduler.enabled", Boolean.class)).isFalse();
        assertThat(config.getValue("quarkus.log.console.stderr", Boolean.class)).isTrue();
    }

    @Test
    void whatAUserSetsWinsOverTheCommandsDefaults() {
        CommandModeConfig.commandLine("backfill", "--since", "72h");

        // The lowest ordinal a user sets values at: a microprofile-config.properties on the class path.
        SmallRyeConfig config = config(Map.of("quarkus.management.host-enabled", "true", "quarkus.log.console.stderr", "false"));

        assertThat(config.getValue("quarkus.management.host-enabled", Boolean.class)).isTrue();
        assertThat(config.getValue("quarkus.log.console.stderr", Boolean.class)).isFalse();
        assertThat(config.getValue("quarkus.http.host-enabled", Boolean.class)).isFalse();
    }

    private static SmallRyeConfig config(Map<String, String> userSets) {
        return new SmallRyeConfigBuilder()
                .withSources(new CommandModeConfig())
                .withSources(new PropertiesConfigSource(userSets, "user", 100))
                .build();
    }
}
