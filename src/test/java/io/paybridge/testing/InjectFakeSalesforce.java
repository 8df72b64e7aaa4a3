package io.paybridge.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the {@link FakeSalesforce} field of a test that {@link FakeSalesforceResource} serves: each
 * test gets the fake on a clean slate (no records, calls or faults), as the Quarkus reference apps
 * get their WireMock servers.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InjectFakeSalesforce {
}
