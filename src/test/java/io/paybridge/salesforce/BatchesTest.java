package io.paybridge.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** Records cut into sObject Collections calls of at most batch-size, in their order. */
class BatchesTest {

    @Test
    void recordsAreCutIntoCallsOfAtMostTheBatchSizeInOrder() {
        List<Integer> records = IntStream.range(0, 450).boxed().toList();

        List<List<Integer>> batches = SalesforceClient.batches(records, 200);

        assertThat(batches).extracting(List::size).containsExactly(200, 200, 50);
        assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(records);
    }

    @Test
    void noRecordsMakeNoCall() {
        assertThat(SalesforceClient.batches(List.of(), 200)).isEmpty();
    }

    @Test
    void exactlyOneBatchMakesOneCall() {
        assertThat(SalesforceClient.batches(List.of("a", "b"), 2)).containsExactly(List.of("a", "b"));
    }
}
