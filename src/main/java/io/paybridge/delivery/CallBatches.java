package io.paybridge.delivery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One SObject's records of a turn cut into Salesforce calls. A Collections call carries up to
 * {@code batch-size} records, so every turn's last call of an SObject is usually a partial one; on a
 * backlog, turn after turn, those partial calls add up to about one call more per SObject and turn
 * than the records need. When more work is due (the turn's claim was full), the records of that
 * partial call are held back instead: their events go back to the head of the queue, the next turn
 * takes them with the events it claims and fills its calls with them.
 *
 * <p>The newest records are the ones held back, so that, claimed first next time, they are among
 * the oldest of the next turn and go out in one of its full calls: no record waits more than a
 * turn or two. An SObject with fewer records than one call is never held back: on a backlog where
 * it is rare, waiting until a turn has a call's worth of it could take many turns. Only records that
 * may wait are held back (not those of thin events, whose objects were fetched from Stripe for this
 * turn and would be fetched again, nor those an event writes with another record pushed now); when
 * too few may, the partial call goes out as it is.
 *
 * @param calls    the records to push now, in calls of at most {@code size}, in the order given
 * @param heldBack the records left for the next turn
 */
record CallBatches<R>(List<List<R>> calls, List<R> heldBack) {

    /**
     * @param records  one SObject's records, in the order its calls should carry them
     * @param size     most records a call
     * @param cut      records into calls of at most {@code size}, in their order
     * @param moreDue  whether the turn's claim was full, so that a next turn will take more
     * @param byAge    oldest first
     * @param mayWait  which records may be held back
     */
    static <R> CallBatches<R> of(List<R> records, int size, Function<List<R>, List<List<R>>> cut, boolean moreDue,
            Comparator<? super R> byAge, Predicate<? super R> mayWait) {
        int partial = records.size() % size;
        if (!moreDue || records.size() < size || partial == 0) {
            return new CallBatches<>(cut.apply(records), List.of());
        }
        List<R> newestFirst = new ArrayList<>(records.stream().filter(mayWait).toList());
        if (newestFirst.size() < partial) {
            return new CallBatches<>(cut.apply(records), List.of());
        }
        newestFirst.sort(byAge.reversed());
        List<R> heldBack = List.copyOf(newestFirst.subList(0, partial));
        Set<R> held = Collections.newSetFromMap(new IdentityHashMap<>());
        held.addAll(heldBack);
        List<R> pushed = records.stream().filter(record -> !held.contains(record)).toList();
        return new CallBatches<>(cut.apply(pushed), heldBack);
    }

}
