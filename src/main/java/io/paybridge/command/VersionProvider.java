package io.paybridge.command;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine.IVersionProvider;

@RegisterForReflection
public class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"paybridge " + ConfigProvider.getConfig().getOptionalValue("quarkus.application.version", String.class).orElse("unknown")};
    }
}
