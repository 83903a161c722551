package io.durastash.sink;

import java.util.Locale;

/** When the sink's input offsets are committed ({@code input.commit}). */
public enum CommitMode {
    /**
     * Once every record up to the offset was acknowledged by Kafka on the output side (or deliberately dropped): the
     * stash is a cache that Kafka can rebuild, and losing its disk costs re-consumption, never data.
     */
    DELIVERED,
    /**
     * In the Kafka transaction that delivers the records: the source task commits the input offsets with the output
     * records, under the consumer group generation of the sink task that owns the partition. Exactly once on a
     * cluster, for {@code read_committed} readers.
     */
    TRANSACTIONAL,
    /** Once the records are durable in the stash: for stash disks that outlive their worker; a lost disk loses them. */
    STASHED;

    /** The value as written in a config: lower case. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether every input offset not committed yet can be consumed again, so a record this stash holds but no longer
     * owns may be dropped from it: the partition's owner consumes it again.
     */
    public boolean inputKeepsUndelivered() {
        return this != STASHED;
    }

    /** Parses an {@code input.commit} value, ignoring case. */
    public static CommitMode parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
