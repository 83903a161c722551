package io.durastash.stash.model;

/**
 * A consistent snapshot of a stash's counters, taken without scanning it.
 *
 * @param pendingBatches     batches waiting to be claimed (including those left LOADED by an earlier run)
 * @param loadedBatches      batches claimed by a drainer and not yet acknowledged
 * @param oldestPendingAgeMs age of the oldest pending batch in milliseconds, 0 when nothing is pending: the drain lag
 * @param quarantinedEntries entries set aside in the quarantine: damaged, or refused by the output
 * @param refusedEntries     of those, records the output refused (intact, to requeue once the cause is fixed)
 */
public record StashStats(long pendingBatches, long pendingRecords, long pendingBytes, long loadedBatches,
                         long loadedRecords, long loadedBytes, long oldestPendingAgeMs, long quarantinedEntries,
                         long refusedEntries, boolean drainerActive) {
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

    /** Whether the stash holds batches that no drainer in this process drains. */
    public boolean pendingWithoutDrainer() {
        return liveBatches() > 0 && !drainerActive;
    }

    @Override
    public String toString() {
        return "StashStats{pending=" + pendingBatches + " batches/" + pendingRecords + " records/" + pendingBytes
            + " bytes, loaded=" + loadedBatches + " batches/" + loadedRecords + " records, oldestPendingAgeMs="
             + oldestPendingAgeMs + ", quarantined=" + quarantinedEntries + " (refused " + refusedEntries + "), drainer=" + drainerActive + "}";
    }
}
