package io.paybridge.app;

import io.quarkus.runtime.annotations.CommandLineArguments;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
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

    /** {@code @Scheduled(skipExecutionIf = RunMode.NotServing.class)}: scheduled work that only serving replicas do. */
    @Singleton
    public static class NotServing implements Scheduled.SkipPredicate {

        private final RunMode runMode;

        NotServing(RunMode runMode) {
            this.runMode = runMode;
        }

        @Override
        public boolean test(ScheduledExecution execution) {
            return !runMode.serving();
        }
    }
}
