package io.paybridge.mapping;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One route of the routes file.
 *
 * @param name         unique in the file; the ordering rule keeps one watermark per route and record
 * @param events       event types or prefix globs ({@code invoice.*}) the route takes
 * @param except       types or globs it leaves out
 * @param sobject      the SObject it upserts
 * @param keyField     the SObject's external id field
 * @param key          where the external id value is
 * @param fields       field name to source, in file order
 * @param sharedFields the names among {@code fields} that other routes write on the same SObject too
 */
public record Route(String name, List<String> events, List<String> except, String sobject, String keyField,
        FieldSpec key, Map<String, FieldSpec> fields, Set<String> sharedFields) {

    boolean takes(String type) {
        return events.stream().anyMatch(pattern -> matches(pattern, type))
                && except.stream().noneMatch(pattern -> matches(pattern, type));
    }

    static boolean matches(String pattern, String type) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith(".*")) {
            return type.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(type);
    }
}
