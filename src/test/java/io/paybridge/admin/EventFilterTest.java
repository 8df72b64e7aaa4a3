package io.paybridge.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Collections;
import java.util.List;

import io.paybridge.event.EventStatus;
import org.junit.jupiter.api.Test;

class EventFilterTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    @Test
    void readsTimesAsInstantsDatesOrAges() {
        assertThat(TimeArgument.parse("since", "2026-11-20T08:00:00Z", NOW)).isEqualTo(Instant.parse("2026-11-20T08:00:00Z"));
        assertThat(TimeArgument.parse("since", "2026-11-20T09:00:00+01:00", NOW)).isEqualTo(Instant.parse("2026-11-20T08:00:00Z"));
        assertThat(TimeArgument.parse("since", "2026-11-20", NOW)).isEqualTo(Instant.parse("2026-11-20T00:00:00Z"));
        assertThat(TimeArgument.parse("since", "72h", NOW)).isEqualTo(Instant.parse("2026-11-20T12:00:00Z"));
        assertThat(TimeArgument.parse("since", "7d", NOW)).isEqualTo(Instant.parse("2026-11-16T12:00:00Z"));
        assertThat(TimeArgument.parse("since", "30m", NOW)).isEqualTo(Instant.parse("2026-11-23T11:30:00Z"));
        assertThat(TimeArgument.parse("since", "PT2H", NOW)).isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
    }

    @Test
    void namesTheArgumentThatCannotBeRead() {
        for (String bad : List.of("yesterday", "72", "-3h", "2026-13-01", "2026-11-20T25:00:00Z", "h")) {
            assertThatThrownBy(() -> TimeArgument.parse("--since", bad, NOW))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageStartingWith("--since must be an ISO-8601 time");
        }
    }

    @Test
    void turnsATypeGlobIntoALikePatternWithoutWildcardsOfItsOwn() {
        EventFilter filter = EventFilter.parse(null, null, null, "invoice_payment.*", null, null, NOW);
        assertThat(filter.typeLikePattern()).contains("invoice\\_payment.%");
        assertThat(EventFilter.parse(null, null, null, "payout.paid", null, null, NOW).typeLikePattern()).contains("payout.paid");
        for (String bad : List.of("invoice.%", "Invoice.*", "a'b", "payout paid", "x".repeat(101))) {
            assertThatThrownBy(() -> EventFilter.parse(null, null, null, bad, null, null, NOW))
                    .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("type must be");
        }
    }

    @Test
    void blankPartsDoNotFilterAndNothingGivenMatchesEverything() {
        EventFilter none = EventFilter.parse(" ", List.of("", " "), "", null, "", null, NOW);
        assertThat(none.matchesEverything()).isTrue();
        assertThat(none).hasToString("all events");
        EventFilter some = EventFilter.parse("default", List.of(" evt_1 "), "DEAD", "invoice.*", "72h", null, NOW);
        assertThat(some.matchesEverything()).isFalse();
        assertThat(some.ids()).containsExactly("evt_1");
        assertThat(some.status()).contains(EventStatus.DEAD);
        assertThat(some).hasToString("account=default ids=evt_1 status=dead type=invoice.* since=2026-11-20T12:00:00Z");
    }

    @Test
    void refusesAnEmptyTimeRangeUnknownStatusesAndTooManyIds() {
        assertThatThrownBy(() -> EventFilter.parse(null, null, null, null, "2026-11-22", "2026-11-21", NOW))
                .hasMessage("since must be before until");
        assertThatThrownBy(() -> EventFilter.parse(null, null, "lost", null, null, null, NOW))
                .hasMessageStartingWith("status must be one of");
        assertThatThrownBy(() -> EventFilter.parse(null, Collections.nCopies(1001, "evt_x"), null, null, null, null, NOW))
                .hasMessageStartingWith("at most 1000 ids");
    }

    @Test
    void aCursorSurvivesTheRoundTripAndAForgedOneIsRefused() {
        EventAdminRepository.Cursor cursor = new EventAdminRepository.Cursor(
                Instant.parse("2026-11-20T08:00:00.123456Z"), "acme", "evt_1");
        assertThat(EventAdminRepository.Cursor.decode(cursor.encode())).isEqualTo(cursor);
        for (String bad : List.of("not-a-cursor", "", "YQ", "MTIzCmFjbWU")) {
            assertThatThrownBy(() -> EventAdminRepository.Cursor.decode(bad))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("after");
        }
    }
}
