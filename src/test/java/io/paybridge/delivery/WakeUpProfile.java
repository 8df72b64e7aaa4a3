package io.paybridge.delivery;

import java.util.Map;

/**
 * The delivery profile with the poll out of the way (once an hour), for the tests of what wakes the
 * workers instead: a stored event's notification, the end of a pause, a record's hand-back. A
 * worker that waited for the poll would deliver nothing within their deadlines.
 * <p>
 * Four workers take one object a turn each, with a call slot for each, so that two calls held at
 * the fake are two workers at work. Calls get ten seconds (and leases outlive them): a call held at
 * the fake, or a cold application's first call on a busy machine, is not a timeout, whose retry the
 * poll would take up late. Shared by {@link DeliveryWakeUpTest} and {@link DeliveryResumeTest}, so
 * that their packaged twins share one launch of the application.
 */
public class WakeUpProfile extends DeliveryProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return settingsWith(Map.of(
                "paybridge.delivery.poll-interval", "1h",
                "paybridge.delivery.workers", "4",
                "paybridge.delivery.concurrency", "4",
                "paybridge.delivery.claim-size", "1",
                "paybridge.delivery.claim-objects", "1",
                "paybridge.salesforce.timeout", "10s",
                "paybridge.delivery.lease", "30s"));
    }
}
