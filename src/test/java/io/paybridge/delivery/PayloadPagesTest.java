package io.paybridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.paybridge.event.EventStatus;
import org.junit.jupiter.api.Test;

class PayloadPagesTest {

    @Test
    void everyEventIsOnOnePageInOrderAndNoPageReadsMoreThanItsBytes() {
        List<ClaimedEvent> events = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            events.add(event("evt_" + i, 3_600 + 97 * (i % 50)));
        }

        List<List<ClaimedEvent>> pages = PayloadPages.of(events, event -> true);

        assertThat(pages.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(events);
        assertThat(pages).hasSizeGreaterThan(1);
        pages.forEach(page -> assertThat(bytes(page)).isLessThanOrEqualTo(PayloadPages.PAGE_BYTES));
        // A page is cut only when the next event would not fit.
        for (int i = 0; i + 1 < pages.size(); i++) {
            assertThat(bytes(pages.get(i)) + pages.get(i + 1).get(0).payloadBytes()).isGreaterThan(PayloadPages.PAGE_BYTES);
        }
    }

    @Test
    void anEventLargerThanAPageGetsAPageOfItsOwn() {
        ClaimedEvent small = event("evt_small", 1_000);
        ClaimedEvent huge = event("evt_huge", 3 * PayloadPages.PAGE_BYTES);
        ClaimedEvent after = event("evt_after", 1_000);

        assertThat(PayloadPages.of(List.of(small, huge, after), event -> true))
                .containsExactly(List.of(small), List.of(huge), List.of(after));
    }

    @Test
    void eventsWhosePayloadIsNotReadWeighNothing() {
        List<ClaimedEvent> events = new ArrayList<>();
        for (int i = 0; i < 3 * PayloadPages.PAGE_EVENTS; i++) {
            events.add(event("evt_unrouted_" + i, PayloadPages.PAGE_BYTES));
        }

        assertThat(PayloadPages.of(events, event -> false)).containsExactly(events);
    }

    @Test
    void aPageReadsAtMostItsNumberOfPayloads() {
        List<ClaimedEvent> events = new ArrayList<>();
        for (int i = 0; i < 2 * PayloadPages.PAGE_EVENTS + 1; i++) {
            events.add(event("evt_tiny_" + i, 10));
        }

        assertThat(PayloadPages.of(events, event -> true)).extracting(List::size)
                .containsExactly(PayloadPages.PAGE_EVENTS, PayloadPages.PAGE_EVENTS, 1);
    }

    @Test
    void noEventsNoPages() {
        assertThat(PayloadPages.of(List.of(), event -> true)).isEmpty();
    }

    private static long bytes(List<ClaimedEvent> page) {
        return page.stream().mapToLong(ClaimedEvent::payloadBytes).sum();
    }

    private static ClaimedEvent event(String id, int payloadBytes) {
        return new ClaimedEvent("default", id, "payout.paid", Instant.EPOCH, Instant.EPOCH, "payout", "paid",
                EventStatus.PENDING, 0, payloadBytes);
    }
}
