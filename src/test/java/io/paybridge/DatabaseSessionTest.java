package io.paybridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The settings the service's own database sessions start with. PostgreSQL's JIT compiled the
 * intake's insert for about 0.4 s at every batch of a reconciliation sweep once the table's
 * statistics made its estimate large (docs/benchmarks.md, 2026-12-04); the server's default is on.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class DatabaseSessionTest {

    @Inject
    Pool pool;

    @Test
    void theServicesSessionsDoNotCompileStatements() {
        String jit = pool.query("SHOW jit").execute()
                .map(rows -> rows.iterator().next().getString(0))
                .await().atMost(Duration.ofSeconds(30));

        assertThat(jit).isEqualTo("off");
    }
}
