package io.paybridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.paybridge.testing.StripeFixtures;

/**
 * A routes file is checked when it is loaded, and every mistake is named.
 */
class RoutesTest {

    private static final String COMMON = """
            common:
              Stripe_Account__c: $account
            """;

    @Test
    void theDefaultRoutesLoad() {
        Routes routes = Routes.defaults();

        assertThat(routes.routes()).extracting(Route::name).containsExactly("invoice", "invoice-payment-invoice",
                "payment-intent", "invoice-payment-payment", "charge", "payout");
        assertThat(routes.fieldsBySObject()).containsOnlyKeys("Stripe_Invoice_Payment__c", "Stripe_Payment__c",
                "Stripe_Payout__c");
        assertThat(routes.routes().get(0).sharedFields()).containsExactly("Amount_Paid__c", "Payment_Intent_Id__c");
    }

    @Test
    void aReplacementFileCanRouteCustomers() {
        Routes routes = parse(COMMON + """
                routes:
                  - name: customer
                    events: [customer.*]
                    sobject: Contact
                    key: {field: Stripe_Customer_Id__c, from: id}
                    fields:
                      Email: email
                """);

        RecordWrite write = new EventMapper(routes).map("default", StripeFixtures.bytes("customer.created")).get(0);

        assertThat(write.sobject()).isEqualTo("Contact");
        assertThat(write.externalId()).isEqualTo("cus_TQk3mZ8vN2pL4a");
        assertThat(write.fields()).containsKey("Email");
        assertThat(write.sharedFields()).containsEntry("Stripe_Account__c", "default");
    }

    @Test
    void refusesBrokenYaml() {
        assertRefused("routes: [", "not valid YAML");
    }

    @Test
    void refusesUnknownKeys() {
        assertRefused(route("    colour: blue\n"), "unknown key 'colour'");
    }

    @Test
    void refusesDuplicateRouteNames() {
        String route = """
                  - name: payout
                    events: [payout.*]
                    sobject: Stripe_Payout__c
                    key: {field: Stripe_Payout_Id__c, from: id}
                """;
        assertRefused(COMMON + "routes:\n" + route + route, "route 'payout' is defined twice");
    }

    @Test
    void refusesAnUnknownConversion() {
        assertRefused(route("    fields:\n      Amount__c: {from: amount, as: amout}\n"), "unknown conversion 'amout'");
    }

    @Test
    void refusesAnUnknownSource() {
        assertRefused(route("    fields:\n      Amount__c: $request.id\n"), "unknown source '$request.id'");
    }

    @Test
    void refusesABadSObjectName() {
        assertRefused(COMMON + """
                routes:
                  - name: payout
                    events: [payout.*]
                    sobject: Stripe Payout
                    key: {field: Stripe_Payout_Id__c, from: id}
                """, "sobject: must be a Salesforce API name");
    }

    @Test
    void refusesARouteWithoutEvents() {
        assertRefused(COMMON + """
                routes:
                  - name: payout
                    events: []
                    sobject: Stripe_Payout__c
                    key: {field: Stripe_Payout_Id__c, from: id}
                """, "events: must be a non-empty list");
    }

    @Test
    void refusesTheKeyAsAField() {
        assertRefused(route("    fields:\n      Stripe_Payout_Id__c: id\n"), "Stripe_Payout_Id__c is the key");
    }

    @Test
    void refusesACommonFieldInARoute() {
        assertRefused(route("    fields:\n      Stripe_Account__c: id\n"), "Stripe_Account__c is a common field");
    }

    private static String route(String extra) {
        return COMMON + """
                routes:
                  - name: payout
                    events: [payout.*]
                    sobject: Stripe_Payout__c
                    key: {field: Stripe_Payout_Id__c, from: id}
                """ + extra;
    }

    private static void assertRefused(String yaml, String problem) {
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(RoutesValidationException.class)
                .hasMessageStartingWith("routes file test.yaml: ")
                .hasMessageContaining(problem);
    }

    private static Routes parse(String yaml) {
        return Routes.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }
}
