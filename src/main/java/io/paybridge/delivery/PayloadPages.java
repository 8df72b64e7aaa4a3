package io.paybridge.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A turn's claimed events cut into pages whose payloads are read and mapped a page or two at a
 * time, so that a turn never holds more than two pages of payloads.
 *
 * <p>Why pages rather than the payloads in the claim's own answer: the reactive PostgreSQL client
 * gathers an answer that spans many network reads in one composite buffer and, every sixteen
 * reads, copies everything gathered so far into one array. For a claim of 16 MB of payloads that
 * was about 130 MB copied per turn, a third of everything the pipeline allocated in a 200,000-event
 * replay, in arrays of several MB that went straight to the old generation and ran a 256 MB heap
 * out of memory. An answer of a page stays within a few reads.
 */
final class PayloadPages {

    /** Most payload bytes a page reads: an answer of a few dozen network reads at most. */
    static final int PAGE_BYTES = 1 << 20;
    /** Most events a page reads, whatever their size: the keys go to PostgreSQL as arrays. */
    static final int PAGE_EVENTS = 500;

    private PayloadPages() {
    }

    /**
     * @param events      in the order they are to be mapped; every event is on exactly one page
     * @param needsPayload which events are mapped from their payload; the others weigh nothing
     * @return pages in order, each within {@link #PAGE_BYTES} of payload and {@link #PAGE_EVENTS}
     *         payloads, except a page of one event larger than a page
     */
    static List<List<ClaimedEvent>> of(List<ClaimedEvent> events, Predicate<ClaimedEvent> needsPayload) {
        List<List<ClaimedEvent>> pages = new ArrayList<>();
        List<ClaimedEvent> page = new ArrayList<>();
        long bytes = 0;
        int payloads = 0;
        for (ClaimedEvent event : events) {
            boolean read = needsPayload.test(event);
            if (read && payloads > 0 && (bytes + event.payloadBytes() > PAGE_BYTES || payloads == PAGE_EVENTS)) {
                pages.add(page);
                page = new ArrayList<>();
                bytes = 0;
                payloads = 0;
            }
            page.add(event);
            if (read) {
                bytes += event.payloadBytes();
                payloads++;
            }
        }
        if (!page.isEmpty()) {
            pages.add(page);
        }
        return pages;
    }
}
