package io.durastash.stash;

/** A consistent snapshot of a stash's counters, taken without scanning it. */
public final class StashStats {
    private final long pendingBatches;
    private final long pendingRecords;
    private final long pendingBytes;
    private final long loadedBatches;
    private final long loadedRecords;
    private final long loadedBytes;
    private final long oldestPendingAgeMs;
    private final long quarantinedEntries;
    private final boolean drainerActive;

    StashStats(long pendingBatches, long pendingRecords, long pendingBytes, long loadedBatches, long loadedRecords,
               long loadedBytes, long oldestPendingAgeMs, long quarantinedEntries, boolean drainerActive) {
        this.pendingBatches = pendingBatches;
        this.pendingRecords = pendingRecords;
        this.pendingBytes = pendingBytes;
        this.loadedBatches = loadedBatches;
        this.loadedRecords = loadedRecords;
        this.loadedBytes = loadedBytes;
        this.oldestPendingAgeMs = oldestPendingAgeMs;
        this.quarantinedEntries = quarantinedEntries;
        this.drainerActive = drainerActive;
    }

    /** Batches waiting to be claimed (including those left LOADED by an earlier run). */
    public long pendingBatches() {
        return pendingBatches;
    }

    public long pendingRecords() {
        return pendingRecords;
    }

    public long pendingBytes() {
        return pendingBytes;
    }

    /** Batches claimed by a drainer and not yet acknowledged. */
    public long loadedBatches() {
        return loadedBatches;
    }

    public long loadedRecords() {
        return loadedRecords;
    }

    public long loadedBytes() {
        return loadedBytes;
    }

    public long liveBatches() {
        return pendingBatches + loadedBatches;
    }

    public long liveRecords() {
        return pendingRecords + loadedRecords;
    }

    /** Encoded record bytes held by the stash, pending or loaded: what {@code stash.max.bytes} bounds. */
    public long liveBytes() {
        return pendingBytes + loadedBytes;
    }

    /** Age of the oldest pending batch in milliseconds, 0 when nothing is pending: the drain lag. */
    public long oldestPendingAgeMs() {
        return oldestPendingAgeMs;
    }

    public long quarantinedEntries() {
        return quarantinedEntries;
    }

    public boolean drainerActive() {
        return drainerActive;
    }

    @Override
    public String toString() {
        return "StashStats{pending=" + pendingBatches + " batches/" + pendingRecords + " records/" + pendingBytes
            + " bytes, loaded=" + loadedBatches + " batches/" + loadedRecords + " records, oldestPendingAgeMs="
            + oldestPendingAgeMs + ", quarantined=" + quarantinedEntries + ", drainer=" + drainerActive + "}";
    }
}
