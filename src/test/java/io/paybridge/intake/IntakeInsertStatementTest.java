package io.paybridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgConnectOptions;
import org.junit.jupiter.api.Test;

class IntakeInsertStatementTest {

    /**
     * The client caches a prepared statement only up to 2,048 characters; PostgreSQL then keeps its plan.
     * A longer insert was prepared and planned again at every batch, and the intake stored a tenth
     * fewer events a second (docs/benchmarks.md, 2026-12-04).
     */
    @Test
    void theInsertFitsTheClientsStatementCache() {
        var cachedStatements = new PgConnectOptions().getPreparedStatementCacheSqlFilter();

        assertThat(cachedStatements.test(IntakeRepository.INSERT)).isTrue();
    }
}
