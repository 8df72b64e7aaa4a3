package io.paybridge.mapping;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The routes, read from YAML and checked. Read as a tree and checked by hand, so that every
 * mistake gets a message naming its place, and nothing needs reflection in a native image.
 */
public final class Routes {

    public static final String DEFAULT_RESOURCE = "routes/default-routes.yaml";

    private static final Pattern API_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,79}");
    private static final Pattern ROUTE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern EVENT_PATTERN = Pattern.compile("\\*|[a-z0-9_]+(\\.[a-z0-9_]+)*(\\.\\*)?");
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");
    private static final Set<String> TOP_KEYS = Set.of("common", "routes");
    private static final Set<String> ROUTE_KEYS = Set.of("name", "events", "except", "sobject", "key", "fields");
    private static final Set<String> FIELD_KEYS = Set.of("from", "as", "currency");
    private static final Set<String> KEY_KEYS = Set.of("field", "from");

    private final Map<String, FieldSpec> common;
    private final List<Route> routes;

    private Routes(Map<String, FieldSpec> common, List<Route> routes) {
        this.common = common;
        this.routes = routes;
    }

    /** The routes shipped with Paybridge. */
    public static Routes defaults() {
        try (InputStream in = Routes.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new RoutesValidationException(DEFAULT_RESOURCE + " is missing from the application");
            }
            return parse(in, DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param source the file's name, for messages */
    public static Routes parse(InputStream in, String source) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(in);
        } catch (IOException e) {
            throw new RoutesValidationException("routes file " + source + ": not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        return new Parser(source).routes(root);
    }

    public Map<String, FieldSpec> common() {
        return common;
    }

    public List<Route> routes() {
        return routes;
    }

    /** Every field each SObject gets, routes and common fields merged: for checking Salesforce metadata. */
    public Map<String, Map<String, Conversion>> fieldsBySObject() {
        Map<String, Map<String, Conversion>> all = new LinkedHashMap<>();
        for (Route route : routes) {
            Map<String, Conversion> fields = all.computeIfAbsent(route.sobject(), s -> new LinkedHashMap<>());
            route.fields().forEach((name, spec) -> fields.put(name, spec.conversion()));
            common.forEach((name, spec) -> fields.put(name, spec.conversion()));
        }
        return all;
    }

    private static final class Parser {
        private final String source;

        Parser(String source) {
            this.source = source;
        }

        Routes routes(JsonNode root) {
            if (root == null || !root.isObject()) {
                throw fail("must be a mapping with 'common' and 'routes'");
            }
            unknownKeys(root, TOP_KEYS, "the top level");
            Map<String, FieldSpec> common = fields(root.path("common"), "common");
            JsonNode list = root.path("routes");
            if (!list.isArray() || list.isEmpty()) {
                throw fail("'routes' must be a non-empty list");
            }
            List<JsonNode> nodes = new ArrayList<>();
            list.forEach(nodes::add);
            Set<String> names = new HashSet<>();
            Map<String, Map<String, Integer>> writers = new HashMap<>();
            for (JsonNode node : nodes) {
                String name = routeName(node);
                if (!names.add(name)) {
                    throw fail("route '" + name + "' is defined twice");
                }
                node.path("fields").fieldNames().forEachRemaining(field -> writers
                        .computeIfAbsent(node.path("sobject").asText(), s -> new HashMap<>())
                        .merge(field, 1, Integer::sum));
            }
            List<Route> routes = new ArrayList<>();
            for (JsonNode node : nodes) {
                routes.add(route(node, common, writers));
            }
            return new Routes(Collections.unmodifiableMap(common), List.copyOf(routes));
        }

        private String routeName(JsonNode node) {
            if (!node.isObject()) {
                throw fail("every route must be a mapping");
            }
            String name = node.path("name").asText("");
            if (!ROUTE_NAME.matcher(name).matches()) {
                throw fail("route name '" + name + "' must be lower-case letters, digits, '-' or '_'");
            }
            return name;
        }

        private Route route(JsonNode node, Map<String, FieldSpec> common, Map<String, Map<String, Integer>> writers) {
            String name = node.path("name").asText();
            String where = "route '" + name + "'";
            unknownKeys(node, ROUTE_KEYS, where);
            List<String> events = patterns(node.path("events"), where + " events", true);
            List<String> except = patterns(node.path("except"), where + " except", false);
            String sobject = apiName(node.path("sobject"), where + " sobject");
            JsonNode keyNode = node.path("key");
            if (!keyNode.isObject()) {
                throw fail(where + ": 'key' must be {field: External_Id__c, from: path}");
            }
            unknownKeys(keyNode, KEY_KEYS, where + " key");
            String keyField = apiName(keyNode.path("field"), where + " key.field");
            FieldSpec key = source(keyNode.path("from"), Conversion.TEXT, null, where + " key.from");
            Map<String, FieldSpec> fields = fields(node.path("fields"), where);
            if (fields.containsKey(keyField)) {
                throw fail(where + ": " + keyField + " is the key; it cannot also be a field");
            }
            for (String field : fields.keySet()) {
                if (common.containsKey(field)) {
                    throw fail(where + ": " + field + " is a common field; remove it from the route");
                }
            }
            Set<String> shared = new LinkedHashSet<>();
            fields.keySet().forEach(field -> {
                if (writers.getOrDefault(sobject, Map.of()).getOrDefault(field, 0) > 1) {
                    shared.add(field);
                }
            });
            return new Route(name, events, except, sobject, keyField, key, Collections.unmodifiableMap(fields),
                    Collections.unmodifiableSet(shared));
        }

        private Map<String, FieldSpec> fields(JsonNode node, String where) {
            if (node.isMissingNode() || node.isNull()) {
                return new LinkedHashMap<>();
            }
            if (!node.isObject()) {
                throw fail(where + ": fields must be a mapping of Field__c: source");
            }
            Map<String, FieldSpec> fields = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                String field = entry.getKey();
                if (!API_NAME.matcher(field).matches()) {
                    throw fail(where + ": '" + field + "' is not a Salesforce field API name");
                }
                fields.put(field, field(entry.getValue(), where + " field " + field));
            }
            return fields;
        }

        private FieldSpec field(JsonNode node, String where) {
            if (node.isTextual()) {
                return source(node, Conversion.TEXT, null, where);
            }
            if (!node.isObject()) {
                throw fail(where + ": must be a path or {from: path, as: conversion}");
            }
            unknownKeys(node, FIELD_KEYS, where);
            String as = node.path("as").asText("text");
            Conversion conversion = Conversion.named(as);
            if (conversion == null) {
                throw fail(where + ": unknown conversion '" + as + "' (one of "
                        + Arrays.stream(Conversion.values()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList() + ")");
            }
            JsonNode currency = node.path("currency");
            if (!currency.isMissingNode() && conversion != Conversion.AMOUNT) {
                throw fail(where + ": 'currency' only goes with 'as: amount'");
            }
            return source(node.path("from"), conversion, currency.isMissingNode() ? null : currency.asText(), where);
        }

        private FieldSpec source(JsonNode from, Conversion conversion, String currency, String where) {
            String text = from.isTextual() ? from.asText() : "";
            if (text.equals("$account")) {
                return new FieldSpec(false, true, List.of(), conversion, null);
            }
            boolean envelope = text.startsWith("$event.");
            String path = envelope ? text.substring("$event.".length()) : text;
            if (text.startsWith("$") && !envelope) {
                throw fail(where + ": unknown source '" + text + "' (use $account, $event.<path> or a path)");
            }
            if (!PATH.matcher(path).matches()) {
                throw fail(where + ": '" + text + "' is not a dotted path");
            }
            List<String> segments = List.of(path.split("\\."));
            List<String> currencyPath = null;
            if (conversion == Conversion.AMOUNT) {
                if (currency != null && !PATH.matcher(currency).matches()) {
                    throw fail(where + ": currency '" + currency + "' is not a dotted path");
                }
                currencyPath = currency != null ? List.of(currency.split("\\."))
                        : sibling(segments, "currency");
            }
            return new FieldSpec(envelope, false, segments, conversion, currencyPath);
        }

        private static List<String> sibling(List<String> path, String name) {
            List<String> sibling = new ArrayList<>(path.subList(0, path.size() - 1));
            sibling.add(name);
            return List.copyOf(sibling);
        }

        private List<String> patterns(JsonNode node, String where, boolean required) {
            if (node.isMissingNode() && !required) {
                return List.of();
            }
            if (!node.isArray() || (required && node.isEmpty())) {
                throw fail(where + ": must be a " + (required ? "non-empty " : "") + "list of event types");
            }
            List<String> patterns = new ArrayList<>();
            for (JsonNode pattern : node) {
                if (!pattern.isTextual() || !EVENT_PATTERN.matcher(pattern.asText()).matches()) {
                    throw fail(where + ": '" + pattern.asText() + "' is not an event type or a glob such as invoice.*");
                }
                patterns.add(pattern.asText());
            }
            return List.copyOf(patterns);
        }

        private String apiName(JsonNode node, String where) {
            if (!node.isTextual() || !API_NAME.matcher(node.asText()).matches()) {
                throw fail(where + ": must be a Salesforce API name such as Stripe_Payment__c");
            }
            return node.asText();
        }

        private void unknownKeys(JsonNode node, Set<String> known, String where) {
            node.fieldNames().forEachRemaining(key -> {
                if (!known.contains(key)) {
                    throw fail(where + ": unknown key '" + key + "' (expected " + known.stream().sorted().toList() + ")");
                }
            });
        }

        private RoutesValidationException fail(String problem) {
            return new RoutesValidationException("routes file " + source + ": " + problem);
        }
    }
}
