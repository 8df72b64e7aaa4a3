package io.paybridge.intake;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * Reads the envelope fields of a Stripe event in one streaming pass, without building a tree of
 * the payload, and refuses anything that is not one well-formed JSON object.
 */
public final class EventEnvelopeParser {

    static final int MAX_ID_LENGTH = 255;
    private static final int MAX_NESTING_DEPTH = 64;
    /** 9999-12-31T23:59:59Z, the last second PostgreSQL and ISO-8601 agree on. */
    private static final long MAX_CREATED = 253_402_300_799L;
    /** The {@code object} of a thin event (Stripe event destinations). */
    static final String THIN_EVENT = "v2.core.event";
    /**
     * A Stripe API path such as {@code /v1/invoices/in_...}: delivery appends it to the API base, so
     * nothing that could leave that host or path (a host, {@code ..}, a query) gets through.
     */
    private static final Pattern RELATED_URL = Pattern.compile("/v[0-9]+(/[A-Za-z0-9_\\-]+)+");

    /** Where a nested object's string members go: the thin event's related object, the snapshot's object. */
    private static final Map<String, TextField> RELATED_OBJECT = Map.of(
            "id", (fields, text) -> fields.relatedId = text,
            "type", (fields, text) -> fields.relatedType = text,
            "url", (fields, text) -> fields.relatedUrl = text);
    /** What a Stripe id (a payment intent's, an invoice's) is made of; any other value groups nothing and is ignored, never refused. */
    private static final Pattern STRIPE_ID = Pattern.compile("[A-Za-z0-9_]{1," + MAX_ID_LENGTH + "}");

    private final JsonFactory factory = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .build())
            .build();

    /**
     * @param receivedAt used as the creation time when the body carries none
     * @throws IntakeRejection {@link IntakeError#INVALID_PAYLOAD} when the body is not a JSON
     *         object with a string {@code id} and {@code type}
     */
    public EventEnvelope parse(byte[] body, Instant receivedAt) {
        try (JsonParser parser = factory.createParser(body)) {
            Fields fields = new Fields();
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("The body is not a JSON object");
            }
            readEvent(parser, fields);
            if (parser.nextToken() != null) {
                throw invalid("The body has content after the JSON object");
            }
            return fields.toEnvelope(receivedAt);
        } catch (IOException | IllegalArgumentException notJson) {
            throw invalid("The body is not valid JSON");
        }
    }

    private static void readEvent(JsonParser parser, Fields fields) throws IOException {
        forEachMember(parser, (name, value) -> {
            switch (name) {
                case "id" -> fields.id = text(value, parser);
                case "type" -> fields.type = text(value, parser);
                case "object" -> fields.object = text(value, parser);
                case "created" -> readCreated(parser, value, fields);
                case "context" -> fields.context = text(value, parser);
                case "related_object" -> readTexts(parser, value, RELATED_OBJECT, fields);
                case "api_version" -> fields.apiVersion = text(value, parser);
                case "livemode" -> fields.livemode = value == JsonToken.VALUE_TRUE;
                case "account" -> fields.connectAccount = text(value, parser);
                case "data" -> readData(parser, value, fields);
                default -> parser.skipChildren();
            }
        });
    }

    /** Unix seconds in a snapshot event, an ISO-8601 string with milliseconds in a thin one. */
    private static void readCreated(JsonParser parser, JsonToken value, Fields fields) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            fields.createdText = text(value, parser);
        } else {
            fields.created = unixTime(value, parser);
        }
    }

    /** Of {@code data}, only its {@code object} matters. */
    private static void readData(JsonParser parser, JsonToken value, Fields fields) throws IOException {
        forEachMemberOf(parser, value, (name, child) -> {
            if (name.equals("object")) {
                readDataObject(parser, child, fields);
            } else {
                parser.skipChildren();
            }
        });
    }

    /**
     * The object's id, type and status, and the payment intent it belongs to: delivery takes the
     * events of one payment together, since they write the same Salesforce records.
     */
    private static void readDataObject(JsonParser parser, JsonToken value, Fields fields) throws IOException {
        forEachMemberOf(parser, value, (name, child) -> {
            switch (name) {
                case "id" -> fields.objectId = text(child, parser);
                case "object" -> fields.objectType = text(child, parser);
                case "status" -> fields.objectStatus = text(child, parser);
                case "payment_intent" -> fields.paymentIntentId = idText(child, parser);
                case "payment" -> readPayment(parser, child, fields);
                case "invoice" -> fields.invoiceId = idText(child, parser);
                default -> parser.skipChildren();
            }
        });
    }

    /** An invoice payment's {@code payment}: which payment intent paid the invoice. */
    private static void readPayment(JsonParser parser, JsonToken value, Fields fields) throws IOException {
        forEachMemberOf(parser, value, (name, child) -> {
            if (name.equals("payment_intent")) {
                fields.paymentIntentId = idText(child, parser);
            } else {
                parser.skipChildren();
            }
        });
    }

    /** A string member that only groups events: read as it is, checked when the envelope is made. */
    private static String idText(JsonToken token, JsonParser parser) throws IOException {
        if (token == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        parser.skipChildren();
        return null;
    }

    /** Keeps the string members of the object {@code value} opens that {@code kept} names; skips the rest. */
    private static void readTexts(JsonParser parser, JsonToken value, Map<String, TextField> kept, Fields fields)
            throws IOException {
        forEachMemberOf(parser, value, (name, child) -> {
            TextField field = kept.get(name);
            if (field == null) {
                parser.skipChildren();
            } else {
                field.set(fields, text(child, parser));
            }
        });
    }

    /** One member of a JSON object, with its first token: read, or skipped with its children. */
    @FunctionalInterface
    private interface MemberReader {
        void read(String name, JsonToken value) throws IOException;
    }

    /** A string member kept in {@link Fields}. */
    @FunctionalInterface
    private interface TextField {
        void set(Fields fields, String text);
    }

    /** Hands each member of the object the parser is in to {@code reader}, until the object ends. */
    private static void forEachMember(JsonParser parser, MemberReader reader) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            reader.read(name, parser.nextToken());
        }
    }

    /** As {@link #forEachMember}, for a member's value: one that is not an object is skipped whole. */
    private static void forEachMemberOf(JsonParser parser, JsonToken value, MemberReader reader) throws IOException {
        if (value == JsonToken.START_OBJECT) {
            forEachMember(parser, reader);
        } else {
            parser.skipChildren();
        }
    }

    private static String text(JsonToken token, JsonParser parser) throws IOException {
        if (token == JsonToken.VALUE_STRING) {
            String text = parser.getText();
            // PostgreSQL text cannot hold NUL; refusing it here keeps one event from failing the
            // whole batch it would be inserted with.
            if (text.indexOf('\u0000') >= 0) {
                throw invalid("The event carries a NUL character in an envelope field");
            }
            // Half of a surrogate pair, escaped alone, is valid JSON but not Unicode: PostgreSQL stored
            // it as '?', and two events differing only there shared one id (the second was lost).
            if (hasLoneSurrogate(text)) {
                throw invalid("The event carries text that is not Unicode (a lone surrogate) in an envelope field");
            }
            return text;
        }
        parser.skipChildren();
        return null;
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** An event that cannot be placed in time cannot be ordered against the others of its object. */
    private static Long unixTime(JsonToken token, JsonParser parser) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT
                && parser.getNumberType() != JsonParser.NumberType.LONG) {
            parser.skipChildren();
            throw invalid("The event's \"created\" is not a Unix time in seconds");
        }
        return parser.getLongValue();
    }

    private static IntakeRejection invalid(String message) {
        return new IntakeRejection(IntakeError.INVALID_PAYLOAD, message);
    }

    private static final class Fields {
        String id;
        String type;
        Long created;
        String apiVersion;
        boolean livemode;
        String connectAccount;
        String objectId;
        String objectType;
        String objectStatus;
        String paymentIntentId;
        String invoiceId;
        String object;
        String createdText;
        String context;
        String relatedId;
        String relatedType;
        String relatedUrl;

        EventEnvelope toEnvelope(Instant receivedAt) {
            requireIdentifier(id, "id");
            requireIdentifier(type, "type");
            if (THIN_EVENT.equals(object)) {
                return thinEnvelope(receivedAt);
            }
            if (createdText != null) {
                throw invalid("The event's \"created\" is not a Unix time in seconds");
            }
            if (created != null && (created < 0 || created > MAX_CREATED)) {
                throw invalid("The event's \"created\" is not a Unix time in seconds");
            }
            Instant createdAt = created == null ? receivedAt : Instant.ofEpochSecond(created);
            return new EventEnvelope(id, type, createdAt, apiVersion, livemode, connectAccount,
                    objectId, objectType, objectStatus, paymentIntent(), paidInvoice(), false, null);
        }

        /** The related object stands where a snapshot event's data.object stands; its status comes with the fetch. */
        private EventEnvelope thinEnvelope(Instant receivedAt) {
            requireIdentifier(relatedId, "related_object.id");
            requireIdentifier(relatedType, "related_object.type");
            requireIdentifier(relatedUrl, "related_object.url");
            if (!RELATED_URL.matcher(relatedUrl).matches()) {
                throw invalid("The event's \"related_object.url\" is not a Stripe API path");
            }
            if (created != null) {
                throw invalid("The thin event's \"created\" is not an ISO-8601 time");
            }
            Instant createdAt = createdText == null ? receivedAt : isoTime(createdText);
            return new EventEnvelope(id, type, createdAt, null, livemode, context, relatedId, relatedType, null,
                    null, null, true, relatedUrl);
        }

        /**
         * Only an id that looks like one groups events: anything else (an empty or outlandish value)
         * would only put the event in a group of its own, which its object already is.
         */
        private String paymentIntent() {
            return paymentIntentId != null && STRIPE_ID.matcher(paymentIntentId).matches() ? paymentIntentId : null;
        }

        /**
         * The invoice an invoice payment paid, when it also names its payment intent: a current
         * invoice names no payment intent, and this is how its events join their payment's.
         */
        private String paidInvoice() {
            boolean invoicePayment = "invoice_payment".equals(objectType) && paymentIntent() != null;
            return invoicePayment && invoiceId != null && STRIPE_ID.matcher(invoiceId).matches() ? invoiceId : null;
        }

        private static Instant isoTime(String text) {
            try {
                Instant created = Instant.parse(text);
                if (created.getEpochSecond() < 0 || created.getEpochSecond() > MAX_CREATED) {
                    throw invalid("The thin event's \"created\" is out of range");
                }
                return created;
            } catch (DateTimeParseException notIso) {
                throw invalid("The thin event's \"created\" is not an ISO-8601 time");
            }
        }

        private static void requireIdentifier(String value, String field) {
            if (value == null || value.isBlank()) {
                throw invalid("The event has no string \"" + field + "\"");
            }
            if (value.length() > MAX_ID_LENGTH) {
                throw invalid("The event's \"" + field + "\" is longer than " + MAX_ID_LENGTH + " characters");
            }
        }
    }
}
