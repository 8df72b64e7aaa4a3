package io.paybridge.mapping;

import java.util.List;

/**
 * Where one field's value comes from and how it is converted.
 *
 * @param envelope     whether the path reads the event envelope rather than {@code data.object}
 * @param account      whether the value is the Paybridge account name
 * @param path         the dotted path, split
 * @param conversion   how the value is converted
 * @param currencyPath for amounts: where the currency is
 */
public record FieldSpec(boolean envelope, boolean account, List<String> path, Conversion conversion,
        List<String> currencyPath) {
}
