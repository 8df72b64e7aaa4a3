package io.paybridge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A replay's statements start small, so that delivery starts early, and grow so that they stay ahead of it. */
class ReplayBatchSizesTest {

    @Test
    void batchesGrowFourfoldFromTheFirstUpToTheLargestAndStayThere() {
        List<Integer> limits = new ArrayList<>();
        int limit = ReplayRepository.FIRST_BATCH;
        for (int i = 0; i < 10; i++) {
            limits.add(limit);
            limit = ReplayRepository.nextLimit(limit);
        }

        assertThat(limits).startsWith(100, 400, 1_600, 2_500);
        assertThat(limits.subList(3, limits.size())).containsOnly(ReplayRepository.BATCH);
    }
}
