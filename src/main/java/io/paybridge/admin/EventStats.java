package io.paybridge.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Events by status over time, the answer of {@code GET /admin/stats}: one entry per bucket from
 * {@code since} to {@code until}, empty buckets included, so that a chart needs no gap filling.
 *
 * @param bucketSeconds the width of every bucket
 * @param buckets       oldest first
 */
@RegisterForReflection
public record EventStats(Instant since, Instant until, long bucketSeconds, List<Bucket> buckets) {

    /**
     * The events whose {@code created} falls in {@code [start, start + bucketSeconds)}.
     *
     * @param counts         events by status, every status present
     * @param lagSeconds     mean time from receipt to delivery of the bucket's delivered events, or null
     * @param maxLagSeconds  longest such time, or null
     */
    @RegisterForReflection
    public record Bucket(Instant start, Map<String, Long> counts, Double lagSeconds, Double maxLagSeconds) {
    }
}
