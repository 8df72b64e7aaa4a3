package io.paybridge.app;

import io.quarkus.runtime.annotations.CommandLineArguments;
import jakarta.inject.Singleton;

/**
 * Whether this process serves (no arguments) or runs one command ({@code reprocess},
 * {@code backfill}) and exits. A command's process must not start delivering or purging beside the
 * replicas that serve.
 */
@Singleton
public class RunMode {

    private final boolean serving;

    public RunMode(@CommandLineArguments String[] arguments) {
        this.serving = arguments == null || arguments.length == 0;
    }

    public boolean serving() {
        return serving;
    }
}
