package io.durastash.stash.model;

import java.time.Clock;
import java.util.Objects;

/**
 * How a stash is opened: its native memory cap, the clock it stamps batches with, whether opening it may quarantine
 * batches whose metadata is damaged (what a worker does; the stash tool's repairs open without it), and whether it is
 * opened read-only, for inspection.
 */
public final class StashOptions {
    public static final long DEFAULT_MEMORY_BYTES = 64L * 1024 * 1024;
    public static final long MIN_MEMORY_BYTES = 4L * 1024 * 1024;

    private final long memoryBytes;
    private final Clock clock;
    private final boolean quarantineOnOpen;
    private final boolean readOnly;

    private StashOptions(long memoryBytes, Clock clock, boolean quarantineOnOpen, boolean readOnly) {
        if (memoryBytes < MIN_MEMORY_BYTES) {
            throw new IllegalArgumentException("stash memory must be at least " + MIN_MEMORY_BYTES + " bytes, got " + memoryBytes);
        }
        this.memoryBytes = memoryBytes;
        this.clock = Objects.requireNonNull(clock);
        this.quarantineOnOpen = quarantineOnOpen;
        this.readOnly = readOnly;
    }

    public static StashOptions defaults() {
        return new StashOptions(DEFAULT_MEMORY_BYTES, Clock.systemUTC(), true, false);
    }

    /** Caps the block cache and, within it, the memtables (half of the cap) of this stash. */
    public StashOptions withMemoryBytes(long bytes) {
        return new StashOptions(bytes, clock, quarantineOnOpen, readOnly);
    }

    public StashOptions withClock(Clock newClock) {
        return new StashOptions(memoryBytes, newClock, quarantineOnOpen, readOnly);
    }

    /**
     * With false, batches whose metadata is damaged are left where they are (and not delivered) instead of being
     * moved to quarantine when the stash opens, as the stash tool's repairs need. The open still writes (the format
     * version, RocksDB's own files, and for a damaged write-ahead log, whose writes after the damage it drops, a
     * quarantine entry that records it); one that changes nothing is {@link #withReadOnly read-only}.
     */
    public StashOptions withQuarantineOnOpen(boolean quarantine) {
        return new StashOptions(memoryBytes, clock, quarantine, readOnly);
    }

    /**
     * With true, the stash is opened read-only, for inspection: no byte of its directory changes and no file is
     * created or deleted there. Nothing is quarantined, the format version is not recorded, a damaged write-ahead log
     * is read up to the damage and left as it is (the next read-write open drops the writes after it), RocksDB logs
     * through this process's logger instead of its LOG file, and close writes nothing. Every write fails with a
     * {@link StashException}. A worker's read-write open is refused while it is open, as it is refused while a worker
     * has the stash.
     */
    public StashOptions withReadOnly(boolean readOnlyOpen) {
        return new StashOptions(memoryBytes, clock, quarantineOnOpen, readOnlyOpen);
    }

    public long memoryBytes() {
        return memoryBytes;
    }

    public Clock clock() {
        return clock;
    }

    /** Whether opening may quarantine batches whose metadata is damaged: never on a read-only open. */
    public boolean quarantineOnOpen() {
        return quarantineOnOpen && !readOnly;
    }

    public boolean readOnly() {
        return readOnly;
    }
}
