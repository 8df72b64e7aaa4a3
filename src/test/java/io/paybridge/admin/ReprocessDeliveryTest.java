package io.paybridge.admin;

import static io.paybridge.testing.Deliveries.awaitStatus;
import static io.paybridge.testing.Deliveries.postDeadAndDelivered;
import static io.paybridge.testing.SObjects.PAYOUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import io.paybridge.delivery.DeliveryProfile;
import io.paybridge.command.PaybridgeCommandLine;
import io.paybridge.testing.FakeSalesforce;
import io.paybridge.testing.InjectFakeSalesforce;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.paybridge.testing.StripeEvents;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * The operator's repair loop end to end: an event Salesforce refused goes dead, the admin fixes
 * Salesforce, {@code reprocess} puts it back, and the serving pipeline delivers it.
 */
@QuarkusTest
@TestProfile(DeliveryProfile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class ReprocessDeliveryTest {

    @InjectFakeSalesforce
    FakeSalesforce salesforce;


    @Test
    void reprocessedDeadEventsEndDelivered() throws Exception {
        String tag = StripeEvents.uniqueTag();
        String dead = "po_reprocess" + tag;
        String delivered = "po_fine" + tag;
        salesforce.rejectRecord(PAYOUT, dead, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Amount must be positive");
        postDeadAndDelivered(dead, delivered, 1_700_001_000L);
        salesforce.acceptRecord(PAYOUT, dead);

        // Other tests' dead events may share the database: the command names this test's two events,
        // and the status filter picks the dead one.
        CommandResult result = reprocess("--status", "dead", "--account", "default",
                "--id", "evt_" + dead, "--id", "evt_" + delivered);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("matched=1 replayed=1");
        awaitStatus("default", "evt_" + dead, "delivered");
        assertThat(salesforce.record(PAYOUT, dead)).containsEntry("Status__c", "paid");
    }

    /** Runs the command in this application; the packaged twin runs it as a process of its own. */
    protected CommandResult reprocess(String... args) throws Exception {
        StringWriter out = new StringWriter();
        PaybridgeCommandLine commandLine = Arc.container().instance(PaybridgeCommandLine.class).get();
        int exitCode = commandLine.execute(new PrintWriter(out, true), new PrintWriter(out, true), prepend("reprocess", args));
        return new CommandResult(exitCode, out.toString());
    }

    static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    public record CommandResult(int exitCode, String output) {
    }
}
