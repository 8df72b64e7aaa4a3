package io.paybridge.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.paybridge.mapping.Conversion;
import io.paybridge.mapping.Route;
import io.paybridge.mapping.Routes;
import io.paybridge.salesforce.SalesforceMetadata.Field;
import io.paybridge.salesforce.SalesforceMetadata.PermissionSet;
import io.paybridge.salesforce.SalesforceMetadata.SObject;

/**
 * The Salesforce DX project under {@code salesforce/} must hold every object and field that the default routes
 * (SPEC section 2, "Default routes") write, with types that accept what Paybridge sends.
 */
class SalesforceMetadataTest {

    /** What a route sends to a field, and so which Salesforce field types can take it. */
    enum Kind {
        /** A Stripe id, code or status: any string, Text. */
        TEXT(Set.of("Text")),
        /** A whole number (attempt_count). */
        NUMBER(Set.of("Number")),
        /** Money in major units by currency exponent: up to 3 decimals (BHD, JOD, KWD, OMR, TND). */
        AMOUNT(Set.of("Number")),
        DATE(Set.of("Date")),
        DATETIME(Set.of("DateTime")),
        BOOLEAN(Set.of("Checkbox")),
        URL(Set.of("Url")),
        EMAIL(Set.of("Email")),
        /** Free text that may exceed 255 characters; a Text field is tolerated where the value is bounded. */
        LONGTEXT_OR_TEXT(Set.of("LongTextArea", "Text"));

        final Set<String> salesforceTypes;

        Kind(Set<String> salesforceTypes) {
            this.salesforceTypes = salesforceTypes;
        }
    }

    private static final String PERMISSION_SET = "Paybridge_Integration";

    private static Path project;
    private static Map<String, SObject> objects;

    @BeforeAll
    static void read() {
        project = SalesforceMetadata.projectRoot();
        objects = SalesforceMetadata.readObjects(project);
    }

    /**
     * The external id field of each SObject the default routes upsert into (SPEC, "Default routes").
     *
     * <p>Filled by hand from the SPEC table: {@link #theDefaultRoutesWriteExactlyWhatTheSpecLists()} holds the
     * routes file to it.
     */
    static Map<String, String> externalIdFields() {
        return Map.of(
                "Stripe_Invoice_Payment__c", "Stripe_Invoice_Id__c",
                "Stripe_Payment__c", "Stripe_Payment_Intent_Id__c",
                "Stripe_Payout__c", "Stripe_Payout_Id__c");
    }

    /**
     * The fields the default routes write, SObject -> field -> kind of value, merged over every route that writes
     * to the SObject, plus the fields every record gets ({@code Stripe_Account__c}, {@code Livemode__c},
     * {@code Last_Stripe_Event_*}).
     *
     * <p>Filled by hand from the SPEC table: {@link #theDefaultRoutesWriteExactlyWhatTheSpecLists()} holds the
     * routes file to it, and {@link #everyFieldTheRoutesWriteExistsWithATypeThatTakesItsValue()} holds the metadata
     * to the routes file, so that a field added to a route without its Salesforce field fails.
     */
    static Map<String, Map<String, Kind>> expectedFields() {
        Map<String, Map<String, Kind>> expected = new LinkedHashMap<>();

        Map<String, Kind> invoice = new LinkedHashMap<>();
        // invoice.* (not invoice.upcoming)
        invoice.put("Invoice_Number__c", Kind.TEXT);
        invoice.put("Status__c", Kind.TEXT);
        invoice.put("Amount_Due__c", Kind.AMOUNT);
        invoice.put("Amount_Paid__c", Kind.AMOUNT);
        invoice.put("Amount_Remaining__c", Kind.AMOUNT);
        invoice.put("Currency__c", Kind.TEXT);
        invoice.put("Customer_Id__c", Kind.TEXT);
        invoice.put("Customer_Email__c", Kind.EMAIL);
        invoice.put("Attempt_Count__c", Kind.NUMBER);
        invoice.put("Next_Payment_Attempt__c", Kind.DATETIME);
        invoice.put("Due_Date__c", Kind.DATE);
        invoice.put("Hosted_Invoice_Url__c", Kind.URL);
        invoice.put("Payment_Intent_Id__c", Kind.TEXT);
        // invoice_payment.paid, keyed by invoice: Payment_Intent_Id__c and Amount_Paid__c, already listed
        expected.put("Stripe_Invoice_Payment__c", invoice);

        Map<String, Kind> payment = new LinkedHashMap<>();
        // payment_intent.*
        payment.put("Status__c", Kind.TEXT);
        payment.put("Amount__c", Kind.AMOUNT);
        payment.put("Amount_Received__c", Kind.AMOUNT);
        payment.put("Currency__c", Kind.TEXT);
        payment.put("Customer_Id__c", Kind.TEXT);
        payment.put("Description__c", Kind.LONGTEXT_OR_TEXT);
        payment.put("Last_Payment_Error__c", Kind.LONGTEXT_OR_TEXT);
        payment.put("Decline_Code__c", Kind.TEXT);
        payment.put("Cancellation_Reason__c", Kind.TEXT);
        payment.put("Invoice_Id__c", Kind.TEXT);
        // invoice_payment.paid, keyed by payment.payment_intent: Invoice_Id__c, already listed
        // charge.*, keyed by payment_intent
        payment.put("Charge_Id__c", Kind.TEXT);
        payment.put("Charge_Status__c", Kind.TEXT);
        payment.put("Amount_Refunded__c", Kind.AMOUNT);
        payment.put("Receipt_Url__c", Kind.URL);
        payment.put("Failure_Code__c", Kind.TEXT);
        payment.put("Failure_Message__c", Kind.LONGTEXT_OR_TEXT);
        expected.put("Stripe_Payment__c", payment);

        Map<String, Kind> payout = new LinkedHashMap<>();
        // payout.*
        payout.put("Status__c", Kind.TEXT);
        payout.put("Amount__c", Kind.AMOUNT);
        payout.put("Currency__c", Kind.TEXT);
        payout.put("Arrival_Date__c", Kind.DATE);
        payout.put("Method__c", Kind.TEXT);
        payout.put("Type__c", Kind.TEXT);
        payout.put("Automatic__c", Kind.BOOLEAN);
        payout.put("Failure_Code__c", Kind.TEXT);
        payout.put("Failure_Message__c", Kind.LONGTEXT_OR_TEXT);
        payout.put("Reconciliation_Status__c", Kind.TEXT);
        payout.put("Description__c", Kind.LONGTEXT_OR_TEXT);
        payout.put("Statement_Descriptor__c", Kind.LONGTEXT_OR_TEXT);
        payout.put("Destination_Id__c", Kind.TEXT);
        expected.put("Stripe_Payout__c", payout);

        for (Map<String, Kind> fields : expected.values()) {
            fields.put("Stripe_Account__c", Kind.TEXT);
            fields.put("Livemode__c", Kind.BOOLEAN);
            fields.put("Last_Stripe_Event_Id__c", Kind.TEXT);
            fields.put("Last_Stripe_Event_Type__c", Kind.TEXT);
            fields.put("Last_Stripe_Event_At__c", Kind.DATETIME);
        }
        return expected;
    }

    @Test
    void theDefaultRoutesWriteExactlyWhatTheSpecLists() {
        Routes routes = Routes.defaults();
        Map<String, Map<String, Conversion>> routed = routes.fieldsBySObject();

        assertThat(routed.keySet()).containsExactlyInAnyOrderElementsOf(expectedFields().keySet());
        expectedFields().forEach((sobject, fields) -> assertThat(routed.get(sobject).keySet()).as(sobject)
                .containsExactlyInAnyOrderElementsOf(fields.keySet()));
        for (Route route : routes.routes()) {
            assertThat(route.keyField()).as(route.name()).isEqualTo(externalIdFields().get(route.sobject()));
        }
    }

    @Test
    void everyFieldTheRoutesWriteExistsWithATypeThatTakesItsValue() {
        SoftAssertions soft = new SoftAssertions();
        Routes.defaults().fieldsBySObject().forEach((sobject, fields) -> fields.forEach((name, conversion) -> {
            Field field = objects.get(sobject).fields().get(name);
            soft.assertThat(field).as(sobject + "." + name + " exists").isNotNull();
            if (field != null) {
                soft.assertThat(field.type()).as(sobject + "." + name + " takes " + conversion)
                        .isIn(typesFor(conversion));
            }
        }));
        soft.assertAll();
    }

    private static Set<String> typesFor(Conversion conversion) {
        return switch (conversion) {
            case TEXT -> Set.of("Text", "TextArea", "LongTextArea", "Url", "Email", "Picklist", "Phone");
            case CURRENCY -> Set.of("Text", "Picklist");
            case AMOUNT -> Set.of("Number", "Currency");
            case NUMBER -> Set.of("Number");
            case BOOLEAN -> Set.of("Checkbox");
            case DATE -> Set.of("Date");
            case DATETIME -> Set.of("DateTime");
        };
    }

    @Test
    void theProjectTargetsApi66WithForceAppAsItsDefaultPackageDirectory() throws IOException {
        JsonNode json = new ObjectMapper().readTree(Files.readString(project.resolve("sfdx-project.json")));

        assertThat(json.path("sourceApiVersion").asText()).isEqualTo("66.0");
        assertThat(json.path("packageDirectories")).hasSize(1);
        assertThat(json.path("packageDirectories").get(0).path("path").asText()).isEqualTo("force-app");
        assertThat(json.path("packageDirectories").get(0).path("default").asBoolean()).isTrue();
    }

    @Test
    void everyRoutedObjectIsADeployedReadWriteCustomObject() {
        assertThat(objects).containsKeys(expectedFields().keySet().toArray(String[]::new));
        SoftAssertions soft = new SoftAssertions();
        for (String name : expectedFields().keySet()) {
            SObject o = objects.get(name);
            soft.assertThat(o.label()).as(name + " label").isNotBlank().hasSizeLessThanOrEqualTo(40);
            soft.assertThat(o.pluralLabel()).as(name + " pluralLabel").isNotBlank().hasSizeLessThanOrEqualTo(40);
            soft.assertThat(o.nameFieldType()).as(name + " nameField type").isIn("AutoNumber", "Text");
            soft.assertThat(o.deploymentStatus()).as(name + " deploymentStatus").isEqualTo("Deployed");
            soft.assertThat(o.sharingModel()).as(name + " sharingModel").isEqualTo("ReadWrite");
        }
        soft.assertAll();
    }

    @Test
    void eachObjectHasACaseSensitiveUniqueTextExternalId() {
        SoftAssertions soft = new SoftAssertions();
        externalIdFields().forEach((sobject, fieldName) -> {
            Field f = objects.get(sobject).fields().get(fieldName);
            String where = sobject + "." + fieldName;
            soft.assertThat(f).as(where + " exists").isNotNull();
            if (f == null) {
                return;
            }
            soft.assertThat(f.type()).as(where + " type").isEqualTo("Text");
            soft.assertThat(f.externalId()).as(where + " externalId").isTrue();
            soft.assertThat(f.unique()).as(where + " unique").isTrue();
            // Stripe ids are case-sensitive: in_Ab and in_aB are two invoices.
            soft.assertThat(f.caseSensitive()).as(where + " caseSensitive").isTrue();
            soft.assertThat(f.length()).as(where + " length").isEqualTo(255);
        });
        // Exactly one external id per object, so that an upsert can only match on the Stripe id.
        objects.forEach((sobject, o) -> soft.assertThat(
                o.fields().values().stream().filter(Field::externalId).map(Field::name).toList())
                .as(sobject + " external id fields").containsExactly(externalIdFields().get(sobject)));
        soft.assertAll();
    }

    @Test
    void everyFieldTheDefaultRoutesWriteExistsWithAFittingType() {
        SoftAssertions soft = new SoftAssertions();
        expectedFields().forEach((sobject, fields) -> fields.forEach((fieldName, kind) -> {
            Field f = objects.get(sobject).fields().get(fieldName);
            String where = sobject + "." + fieldName;
            soft.assertThat(f).as(where + " exists").isNotNull();
            if (f == null) {
                return;
            }
            soft.assertThat(f.type()).as(where + " type for " + kind).isIn(kind.salesforceTypes);
            switch (kind) {
                case AMOUNT -> {
                    // JPY 0 decimals, USD 2, BHD 3; Stripe amounts reach 8 integer digits in major units and more
                    // for some zero-decimal currencies, so keep at least 12 digits before the point.
                    soft.assertThat(f.scale()).as(where + " scale").isNotNull().isGreaterThanOrEqualTo(3);
                    soft.assertThat(f.precision()).as(where + " precision").isNotNull().isLessThanOrEqualTo(18);
                    if (f.precision() != null && f.scale() != null) {
                        soft.assertThat(f.precision() - f.scale()).as(where + " precision - scale")
                                .isGreaterThanOrEqualTo(12);
                    }
                }
                case NUMBER -> {
                    soft.assertThat(f.precision()).as(where + " precision").isNotNull().isBetween(1, 18);
                    soft.assertThat(f.scale()).as(where + " scale").isNotNull().isBetween(0, 18);
                }
                case TEXT -> {
                    int minimum = isIdOrCode(fieldName) ? 255 : fieldName.equals("Currency__c") ? 3 : 1;
                    soft.assertThat(f.length()).as(where + " length").isNotNull().isBetween(minimum, 255);
                }
                case LONGTEXT_OR_TEXT -> {
                    int maximum = f.type().equals("Text") ? 255 : 131_072;
                    soft.assertThat(f.length()).as(where + " length").isNotNull().isBetween(255, maximum);
                }
                case BOOLEAN -> soft.assertThat(f.defaultValue()).as(where + " defaultValue").contains("false");
                default -> {
                }
            }
        }));
        soft.assertAll();
    }

    @Test
    void everyFieldIsOptionalLabelledAndWrittenByARoute() {
        SoftAssertions soft = new SoftAssertions();
        Map<String, Map<String, Kind>> expected = expectedFields();
        objects.forEach((sobject, o) -> {
            soft.assertThat(expected).as("objects in the DX project").containsKey(sobject);
            Map<String, Kind> routed = expected.getOrDefault(sobject, Map.of());
            for (Field f : o.fields().values()) {
                String where = sobject + "." + f.name();
                // A route sends only the fields present in its payload: a required field would fail upserts.
                soft.assertThat(f.required()).as(where + " required").isFalse();
                soft.assertThat(f.label()).as(where + " label").isNotBlank().hasSizeLessThanOrEqualTo(40);
                soft.assertThat(f.name().equals(externalIdFields().get(sobject)) || routed.containsKey(f.name()))
                        .as(where + " is written by a default route (a misspelt field?)").isTrue();
            }
        });
        soft.assertAll();
    }

    @Test
    void theIntegrationPermissionSetGrantsReadCreateEditOnEveryObjectAndField() {
        PermissionSet ps = SalesforceMetadata.readPermissionSet(project, PERMISSION_SET);
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(ps.label()).as("label").isNotBlank();
        for (String sobject : expectedFields().keySet()) {
            soft.assertThat(ps.objects().get(sobject)).as(sobject + " read, create, edit")
                    .containsExactly(true, true, true);
            for (Field f : objects.get(sobject).fields().values()) {
                soft.assertThat(ps.editableFields().get(sobject + "." + f.name()))
                        .as(sobject + "." + f.name() + " readable and editable").isTrue();
            }
        }
        // Salesforce rejects a permission set that names an unknown or a required field.
        for (String qualified : ps.editableFields().keySet()) {
            String[] parts = qualified.split("\\.", 2);
            SObject o = objects.get(parts[0]);
            Field f = o == null ? null : o.fields().get(parts[1]);
            soft.assertThat(f).as(qualified + " in the permission set exists").isNotNull();
            if (f != null) {
                soft.assertThat(f.required()).as(qualified + " in the permission set is required").isFalse();
            }
        }
        soft.assertAll();
    }

    /** Stripe ids (..._Id__c) and codes or statuses whose values Stripe may lengthen or add to. */
    private static boolean isIdOrCode(String fieldName) {
        return fieldName.endsWith("_Id__c") || fieldName.endsWith("_Code__c") || fieldName.endsWith("Status__c")
                || fieldName.equals("Stripe_Account__c") || fieldName.equals("Last_Stripe_Event_Type__c");
    }
}
