package io.durastash.stash;

/**
 * What requeueing did (or, in a dry run, would do) for the quarantined entries of one original batch: how many
 * records pass again and went into a new batch, how many still fail and stay in quarantine.
 */
public final class RequeueOutcome {
    private final long originalBatchId;
    private final int restored;
    private final int stillDamaged;
    private final boolean metadataEntryRemoved;
    private final BatchMetadata newBatch;

    RequeueOutcome(long originalBatchId, int restored, int stillDamaged, boolean metadataEntryRemoved, BatchMetadata newBatch) {
        this.originalBatchId = originalBatchId;
        this.restored = restored;
        this.stillDamaged = stillDamaged;
        this.metadataEntryRemoved = metadataEntryRemoved;
        this.newBatch = newBatch;
    }

    /** The batch the entries were quarantined from. */
    public long originalBatchId() {
        return originalBatchId;
    }

    /** Records that pass their checksum and decode: restored (or, in a dry run, restorable). */
    public int restored() {
        return restored;
    }

    /** Records that still fail and stay in quarantine. */
    public int stillDamaged() {
        return stillDamaged;
    }

    /** Whether the batch's quarantined metadata entry goes, replaced by the new batch's metadata. */
    public boolean metadataEntryRemoved() {
        return metadataEntryRemoved;
    }

    /** The batch the restored records now form; null in a dry run or when nothing was restored. */
    public BatchMetadata newBatch() {
        return newBatch;
    }

    @Override
    public String toString() {
        return "RequeueOutcome{batch " + originalBatchId + ": restored " + restored + ", still damaged " + stillDamaged
            + (newBatch != null ? ", new batch " + newBatch.id() : "") + "}";
    }
}
