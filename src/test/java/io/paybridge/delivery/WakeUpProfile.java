package io.paybridge.delivery;

import java.util.Map;

/**
 * The delivery profile with the poll out of the way (once an hour), for the tests of what wakes the
 * workers instead: a stored event's notification, the end of a pause, a record's hand-back, a free
 * call slot. A worker that waited for the poll would deliver nothing within their deadlines.
 * <p>
 * Four workers take one object a turn each and share two call slots, so that two calls held at the
 * fake are two workers at work and the other two wait for a slot. Calls get ten seconds (and leases
 * outlive them): a call held at the fake, or a cold application's first call on a busy machine, is
 * not a timeout, whose retry the poll would take up late. Shared by {@link DeliveryWakeUpTest},
 * {@link DeliveryResumeTest} and {@link DeliveryCallSlotsTest}, so that their packaged twins share
 * one launch of the application.
 */
public class WakeUpProfile extends DeliveryProfile {

    static final int WORKERS = 4;
    static final int CALL_SLOTS = 2;

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> settings = callSlotSettings(WORKERS, CALL_SLOTS, "10s", "30s");
        settings.put("paybridge.delivery.poll-interval", "1h");
        return settings;
    }
}
