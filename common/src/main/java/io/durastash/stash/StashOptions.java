package io.durastash.stash;

import java.time.Clock;
import java.util.Objects;

/**
 * How a stash is opened: its native memory cap, the clock it stamps batches with, and whether opening it may
 * quarantine batches whose metadata is damaged (what a worker does; an inspection tool opens without it).
 */
public final class StashOptions {
    public static final long DEFAULT_MEMORY_BYTES = 64L * 1024 * 1024;
    public static final long MIN_MEMORY_BYTES = 4L * 1024 * 1024;

    private final long memoryBytes;
    private final Clock clock;
    private final boolean quarantineOnOpen;

    private StashOptions(long memoryBytes, Clock clock, boolean quarantineOnOpen) {
        if (memoryBytes < MIN_MEMORY_BYTES) {
            throw new IllegalArgumentException("stash memory must be at least " + MIN_MEMORY_BYTES + " bytes, got " + memoryBytes);
        }
        this.memoryBytes = memoryBytes;
        this.clock = Objects.requireNonNull(clock);
        this.quarantineOnOpen = quarantineOnOpen;
    }

    public static StashOptions defaults() {
        return new StashOptions(DEFAULT_MEMORY_BYTES, Clock.systemUTC(), true);
    }

    /** Caps the block cache and, within it, the memtables (half of the cap) of this stash. */
    public StashOptions withMemoryBytes(long bytes) {
        return new StashOptions(bytes, clock, quarantineOnOpen);
    }

    public StashOptions withClock(Clock newClock) {
        return new StashOptions(memoryBytes, newClock, quarantineOnOpen);
    }

    /**
     * With false, batches whose metadata is damaged are left where they are (and not delivered) instead of being
     * moved to quarantine when the stash opens: opening then changes nothing, as an inspection tool needs, but for
     * a damaged write-ahead log: RocksDB's open drops the writes after the damage, and the quarantine records that.
     */
    public StashOptions withQuarantineOnOpen(boolean quarantine) {
        return new StashOptions(memoryBytes, clock, quarantine);
    }

    public long memoryBytes() {
        return memoryBytes;
    }

    public Clock clock() {
        return clock;
    }

    public boolean quarantineOnOpen() {
        return quarantineOnOpen;
    }
}
