package io.paybridge.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.paybridge.testing.PackagedApplication;
import io.paybridge.testing.PackagedApplication.Replica;
import io.paybridge.testing.TestDatabase;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/**
 * {@link ReconcileTest} against the packaged application, and two packaged replicas (the one under
 * test and a second process on the same database and the same fake Stripe) asked to sweep at the
 * same moment.
 */
@QuarkusIntegrationTest
class ReconcileIT extends ReconcileTest {

    private static final String RUNS = "paybridge_reconcile_runs_total{account=\"recon\",outcome=\"success\"}";
    private static final String STORED = "paybridge_reconcile_events_total{account=\"recon\",outcome=\"stored\"}";

    @Test
    void twoReplicasSweepingAtTheSameMomentDoTheWorkOnce() throws Exception {
        // A start of the packaged jar takes seconds; three minutes hold on a machine twice as slow as a busy CI.
        try (Replica other = PackagedApplication.startReplica("reconcile-replica", ReconcileProfile.settings(), Duration.ofMinutes(3))) {
            // Its first sweep loads classes and opens connections: done before the race, then forgotten.
            sweepAt(other.managementUrl(), "").then().statusCode(200);
            stripe.reset();
            TestDatabase.execute("DELETE FROM reconcile_account WHERE account = '" + ReconcileProfile.ACCOUNT + "'");
            List<byte[]> missing = recentEvents(5);
            stripe.holds(missing);
            // Every page answered after 5 s: the sweep that takes the lease holds it for the full
            // listing's two pages (5 events, pages of 3: 10 s), while the other replica's claim comes
            // within milliseconds of its own; on a machine twice as slow the margin is still seconds.
            stripe.latency(Duration.ofSeconds(5));
            List<String> replicas = List.of(managementRoot(), other.managementUrl());
            double runsBefore = sum(replicas, RUNS);
            double storedBefore = sum(replicas, STORED);

            List<Response> answers = atTheSameMoment(replicas);

            assertThat(answers).extracting(Response::statusCode).containsExactlyInAnyOrder(200, 409);
            Response worked = answers.stream().filter(answer -> answer.statusCode() == 200).findFirst().orElseThrow();
            Response skipped = answers.stream().filter(answer -> answer.statusCode() == 409).findFirst().orElseThrow();
            assertRun(worked.jsonPath(), "success", true, 5, 5, 0);
            assertThat(skipped.jsonPath().getString("error")).isEqualTo("sweep_running");
            List<Map<String, String>> calls = stripe.listRequests();
            assertThat(calls).as("one full listing of every type: its two pages, neither twice").hasSize(2)
                    .allSatisfy(call -> assertThat(typeFilter(call)).isEmpty())
                    .allSatisfy(call -> assertThat(call).doesNotContainKey("delivery_success"));
            assertThat(calls.stream().map(call -> call.getOrDefault("starting_after", "")))
                    .containsExactlyInAnyOrder("", prefix + "2");
            assertThat(TestDatabase.statuses(ReconcileProfile.ACCOUNT)).hasSize(5).containsOnlyKeys(ids(5)).allSatisfy((id, status) -> assertThat(status).isEqualTo("pending"));
            assertThat(sum(replicas, RUNS) - runsBefore).as("successful runs, both replicas together").isEqualTo(1);
            assertThat(sum(replicas, STORED) - storedBefore).as("events stored, both replicas together").isEqualTo(5);

            // The replica that skipped sweeps when asked again, and finds nothing missing.
            stripe.latency(Duration.ZERO);
            String loser = replicas.get(answers.indexOf(skipped));
            JsonPath again = sweepAt(loser, "").then().statusCode(200).extract().jsonPath();
            assertRun(again, "success", false, 5, 0, 5);
            assertThat(TestDatabase.statuses(ReconcileProfile.ACCOUNT)).hasSize(5);
        }
    }

    /** Both sweeps released by one barrier, each from its own thread. */
    private static List<Response> atTheSameMoment(List<String> replicas) throws Exception {
        CyclicBarrier together = new CyclicBarrier(replicas.size());
        ExecutorService threads = Executors.newFixedThreadPool(replicas.size());
        try {
            List<CompletableFuture<Response>> sweeps = replicas.stream()
                    .map(replica -> CompletableFuture.supplyAsync(() -> {
                        awaitBarrier(together);
                        return sweepAt(replica, "");
                    }, threads))
                    .toList();
            return sweeps.stream().map(CompletableFuture::join).toList();
        } finally {
            threads.shutdown();
            threads.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    private static void awaitBarrier(CyclicBarrier barrier) {
        try {
            barrier.await(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("the sweeps could not start together", e);
        }
    }

    private static double sum(List<String> replicas, String series) {
        return replicas.stream().mapToDouble(replica -> metric(metricsAt(replica), series)).sum();
    }

    private String[] ids(int count) {
        String[] ids = new String[count];
        for (int i = 0; i < count; i++) {
            ids[i] = prefix + i;
        }
        return ids;
    }
}
