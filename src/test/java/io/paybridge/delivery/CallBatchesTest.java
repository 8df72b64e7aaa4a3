package io.paybridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

class CallBatchesTest {

    private static final int SIZE = 3;

    /** A record named by its key, with the moment its oldest event arrived. */
    private record Rec(String key, int arrived) {
    }

    private static final Comparator<Rec> BY_AGE = Comparator.comparingInt(Rec::arrived);
    private static final Predicate<Rec> ANY = record -> true;

    private static List<List<Rec>> cut(List<Rec> records) {
        List<List<Rec>> calls = new ArrayList<>();
        for (int from = 0; from < records.size(); from += SIZE) {
            calls.add(records.subList(from, Math.min(records.size(), from + SIZE)));
        }
        return calls;
    }

    /** Records a..g in key order, arrived in the order given. */
    private static List<Rec> records(int... arrived) {
        List<Rec> records = new ArrayList<>();
        for (int i = 0; i < arrived.length; i++) {
            records.add(new Rec(String.valueOf((char) ('a' + i)), arrived[i]));
        }
        return records;
    }

    private static List<List<String>> keys(List<List<Rec>> calls) {
        return calls.stream().map(call -> call.stream().map(Rec::key).toList()).toList();
    }

    @Test
    void aFullClaimHoldsBackItsNewestRecordsForTheNextTurn() {
        CallBatches<Rec> batches = CallBatches.of(records(5, 1, 7, 2, 6, 3, 4, 9), SIZE, CallBatchesTest::cut, true, BY_AGE, ANY);

        // Eight records make two full calls and two left over: the two newest (h: 9, c: 7) wait.
        assertThat(keys(batches.calls())).containsExactly(List.of("a", "b", "d"), List.of("e", "f", "g"));
        assertThat(batches.heldBack()).extracting(Rec::key).containsExactlyInAnyOrder("h", "c");
    }

    @Test
    void theLastClaimOfABacklogPushesEverything() {
        CallBatches<Rec> batches = CallBatches.of(records(5, 1, 7, 2, 6, 3, 4, 9), SIZE, CallBatchesTest::cut, false, BY_AGE, ANY);

        assertThat(keys(batches.calls())).containsExactly(List.of("a", "b", "c"), List.of("d", "e", "f"),
                List.of("g", "h"));
        assertThat(batches.heldBack()).isEmpty();
    }

    @Test
    void recordsThatFillTheirCallsAreAllPushed() {
        CallBatches<Rec> batches = CallBatches.of(records(6, 5, 4, 3, 2, 1), SIZE, CallBatchesTest::cut, true, BY_AGE, ANY);

        assertThat(batches.calls()).hasSize(2).allSatisfy(call -> assertThat(call).hasSize(SIZE));
        assertThat(batches.heldBack()).isEmpty();
    }

    @Test
    void anSObjectWithLessThanACallIsNeverHeldBack() {
        CallBatches<Rec> batches = CallBatches.of(records(2, 1), SIZE, CallBatchesTest::cut, true, BY_AGE, ANY);

        assertThat(keys(batches.calls())).containsExactly(List.of("a", "b"));
        assertThat(batches.heldBack()).isEmpty();
    }

    @Test
    void onlyRecordsThatMayWaitAreHeldBack() {
        // c (7) is the newest but may not wait (its object was fetched for this turn): h and g wait instead.
        CallBatches<Rec> batches = CallBatches.of(records(5, 1, 7, 2, 6, 3, 4, 9), SIZE, CallBatchesTest::cut, true,
                BY_AGE, record -> !record.key().equals("c"));

        assertThat(batches.heldBack()).extracting(Rec::key).containsExactlyInAnyOrder("h", "e");
        assertThat(keys(batches.calls())).containsExactly(List.of("a", "b", "c"), List.of("d", "f", "g"));
    }

    @Test
    void whenTooFewMayWaitThePartialCallGoesOut() {
        CallBatches<Rec> batches = CallBatches.of(records(5, 1, 7, 2), SIZE, CallBatchesTest::cut, true, BY_AGE,
                record -> false);

        assertThat(keys(batches.calls())).containsExactly(List.of("a", "b", "c"), List.of("d"));
        assertThat(batches.heldBack()).isEmpty();
    }
}
