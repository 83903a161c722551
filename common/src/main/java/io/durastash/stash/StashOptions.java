package io.durastash.stash;

import java.time.Clock;
import java.util.Objects;

/** How a stash is opened: its native memory cap and the clock it stamps batches with. */
public final class StashOptions {
    public static final long DEFAULT_MEMORY_BYTES = 64L * 1024 * 1024;
    public static final long MIN_MEMORY_BYTES = 4L * 1024 * 1024;

    private final long memoryBytes;
    private final Clock clock;

    private StashOptions(long memoryBytes, Clock clock) {
        if (memoryBytes < MIN_MEMORY_BYTES) {
            throw new IllegalArgumentException("stash memory must be at least " + MIN_MEMORY_BYTES + " bytes, got " + memoryBytes);
        }
        this.memoryBytes = memoryBytes;
        this.clock = Objects.requireNonNull(clock);
    }

    public static StashOptions defaults() {
        return new StashOptions(DEFAULT_MEMORY_BYTES, Clock.systemUTC());
    }

    /** Caps the block cache and, within it, the memtables (half of the cap) of this stash. */
    public StashOptions withMemoryBytes(long bytes) {
        return new StashOptions(bytes, clock);
    }

    public StashOptions withClock(Clock newClock) {
        return new StashOptions(memoryBytes, newClock);
    }

    public long memoryBytes() {
        return memoryBytes;
    }

    public Clock clock() {
        return clock;
    }
}
