package io.paybridge.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.paybridge.mapping.Routes;
import org.junit.jupiter.api.Test;

/** The type filters of a full listing, as few listings as Stripe's {@code type} and {@code types} allow. */
class RoutedTypesTest {

    @Test
    void theDefaultRoutesListFourGroupsAndOneExactType() {
        assertThat(RoutedTypes.listings(Routes.defaults())).containsExactly(
                List.of("charge.*"), List.of("invoice.*"), List.of("payment_intent.*"), List.of("payout.*"),
                List.of("invoice_payment.paid"));
    }

    @Test
    void aRouteOfEveryTypeListsEverythingOnce() {
        assertThat(RoutedTypes.listings(routes("[invoice.*]", "['*']"))).containsExactly(List.of());
    }

    @Test
    void typesAGroupTakesAreNotListedAgain() {
        assertThat(RoutedTypes.listings(routes("[invoice.*, invoice.paid, charge.refunded]", "[invoice.payment.*, charge.dispute.*]")))
                .containsExactly(List.of("charge.dispute.*"), List.of("invoice.*"), List.of("charge.refunded"));
    }

    @Test
    void exactTypesGoTwentyToAListing() {
        String types = IntStream.range(0, 25).mapToObj(i -> "type" + (char) ('a' + i) + ".done").collect(Collectors.joining(", ", "[", "]"));

        List<List<String>> listings = RoutedTypes.listings(routes(types));

        assertThat(listings).hasSize(2);
        assertThat(listings.get(0)).hasSize(20);
        assertThat(listings.get(1)).hasSize(5);
    }

    private static Routes routes(String... events) {
        StringBuilder yaml = new StringBuilder("common:\n  Stripe_Account__c: $account\nroutes:\n");
        for (int i = 0; i < events.length; i++) {
            yaml.append("""
                      - name: route%d
                        events: %s
                        sobject: Thing%d__c
                        key: {field: Stripe_Id__c, from: id}
                        fields:
                          Status__c: status
                    """.formatted(i, events[i], i));
        }
        return Routes.parse(new ByteArrayInputStream(yaml.toString().getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }
}
