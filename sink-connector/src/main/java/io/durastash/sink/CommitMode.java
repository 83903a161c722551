package io.durastash.sink;

import java.util.Locale;

/** When the sink lets Connect commit input offsets ({@code input.commit}). */
public enum CommitMode {
    /**
     * Once every record up to the offset was acknowledged by Kafka on the output side (or deliberately dropped): the
     * stash is a cache that Kafka can rebuild, and losing its disk costs re-consumption, never data.
     */
    DELIVERED,
    /** Once the records are durable in the stash: for stash disks that outlive their worker; a lost disk loses them. */
    STASHED;

    /** The value as written in a config: lower case. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses an {@code input.commit} value, ignoring case. */
    public static CommitMode parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
