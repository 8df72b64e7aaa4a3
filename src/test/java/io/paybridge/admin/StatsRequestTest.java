package io.paybridge.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class StatsRequestTest {

    private static final Instant NOW = Instant.parse("2026-11-29T17:30:00Z");

    @Test
    void defaultsToTheLastDayInHours() {
        StatsRequest request = StatsRequest.parse(null, "", " ", null, NOW);
        assertThat(request.account()).isEmpty();
        assertThat(request.since()).isEqualTo(Instant.parse("2026-11-28T17:30:00Z"));
        assertThat(request.until()).isEqualTo(NOW);
        assertThat(request.bucket()).isEqualTo(Duration.ofHours(1));
        assertThat(request.bucketCount()).isEqualTo(24);
    }

    @Test
    void takesTheListingsTimeFormsAndBucketWidths() {
        StatsRequest request = StatsRequest.parse(" acme ", "2026-11-29T10:00:00Z", "2026-11-30", "15m", NOW);
        assertThat(request.account()).isEqualTo(Optional.of("acme"));
        assertThat(request.since()).isEqualTo(Instant.parse("2026-11-29T10:00:00Z"));
        assertThat(request.until()).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(request.bucketCount()).isEqualTo(56);
    }

    @Test
    void aWindowThatIsNoMultipleOfTheBucketEndsWithAShortBucket() {
        StatsRequest request = StatsRequest.parse(null, "90m", null, "1h", NOW);
        assertThat(request.bucketCount()).isEqualTo(2);
        assertThat(StatsRequest.parse(null, "7d", null, "6h", NOW).bucketCount()).isEqualTo(28);
        assertThat(StatsRequest.parse(null, "1d", null, "1D", NOW).bucketCount()).isEqualTo(1);
    }

    @Test
    void explainsWhatIsWrong() {
        assertThatThrownBy(() -> StatsRequest.parse(null, null, null, "1w", NOW))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("bucket must be a width such as");
        assertThatThrownBy(() -> StatsRequest.parse(null, null, null, "59s", NOW))
                .hasMessageContaining("at least 60s");
        assertThatThrownBy(() -> StatsRequest.parse(null, "30d", null, "1m", NOW))
                .hasMessageContaining("43200 buckets; at most 1000");
        assertThatThrownBy(() -> StatsRequest.parse(null, "1h", "2h", null, NOW))
                .hasMessageContaining("since must be before until");
        assertThatThrownBy(() -> StatsRequest.parse(null, "yesterday", null, null, NOW))
                .hasMessageContaining("since must be an ISO-8601 time");
    }
}
