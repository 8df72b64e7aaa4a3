package io.paybridge.intake;

/**
 * What storing an event did. Both mean the event is committed.
 */
public enum StoreOutcome {
    /** The event was new and is now stored. */
    ACCEPTED,
    /** The event was already stored; nothing changed. */
    DUPLICATE;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
