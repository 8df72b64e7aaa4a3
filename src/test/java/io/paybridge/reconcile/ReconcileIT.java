package io.paybridge.reconcile;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ReconcileTest} against the packaged application. */
@QuarkusIntegrationTest
class ReconcileIT extends ReconcileTest {
}
