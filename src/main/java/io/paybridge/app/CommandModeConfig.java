package io.paybridge.app;

import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The configuration a command's process ({@code reprocess}, {@code backfill}) runs with, beside
 * what the server's environment sets: operators run commands inside a serving container
 * ({@code kubectl exec}, {@code docker compose exec}) or as Jobs with the server's ConfigMap and Secret,
 * so a command sees the server's ports and must not open them.
 * <ul>
 * <li>no HTTP listener and no management interface: a command serves nothing, and the server of the
 * same container holds those ports ({@code host-enabled} is runtime configuration; whether the
 * management interface exists at all, {@code quarkus.management.enabled}, is fixed at build time);</li>
 * <li>no scheduler: a command does no scheduled work ({@link RunMode.NotServing} skips each job too),
 * and without a scheduler no job can fire into a start that fails or a shutdown;</li>
 * <li>logs and the banner on stderr: stdout carries only what the command prints, its summary line,
 * so that a script reads it without filtering.</li>
 * </ul>
 * Registered in {@code META-INF/services}, which Quarkus wires into the configuration it generates,
 * native included. {@code PaybridgeMain.main} says whether this process runs a command before Quarkus
 * starts and reads any configuration; a source read earlier (the native image's build) sees no command
 * and gives nothing.
 * <p>
 * The ordinal is below that of every source a user sets values in (application.properties 250,
 * config/application.properties 260, .env 295, environment 300, system properties 400): these are
 * defaults for a process that has no use for ports or schedules, not a policy, so that whoever really
 * wants one back for a command (its metrics while a long backfill runs, logs on stdout) sets the
 * property under its usual name. The server's own configuration never sets them (they keep Quarkus's
 * defaults there), so a command inherits none of them from it.
 */
public final class CommandModeConfig implements ConfigSource {

    static final int ORDINAL = 50;

    static final Map<String, String> COMMAND_DEFAULTS = Map.of(
            "quarkus.http.host-enabled", "false",
            "quarkus.management.host-enabled", "false",
            "quarkus.scheduler.enabled", "false",
            "quarkus.log.console.stderr", "true");

    /** Not final: set at run time, also in a native image whose classes were initialised at build time. */
    private static volatile boolean command;

    /** Called with the process's arguments before Quarkus starts: any argument runs a command, as in {@link RunMode}. */
    public static void commandLine(String... args) {
        command = args != null && args.length > 0;
    }

    private static Map<String, String> values() {
        return command ? COMMAND_DEFAULTS : Map.of();
    }

    @Override
    public Set<String> getPropertyNames() {
        return values().keySet();
    }

    @Override
    public Map<String, String> getProperties() {
        return values();
    }

    @Override
    public String getValue(String propertyName) {
        return values().get(propertyName);
    }

    @Override
    public String getName() {
        return "Paybridge command defaults";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
