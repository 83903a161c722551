package io.durastash.stash.quarantine;

import io.durastash.stash.model.BatchMetadata;

/**
 * What requeueing did (or, in a dry run, would do) for the quarantined entries of one original batch.
 *
 * @param originalBatchId      the batch the entries were quarantined from
 * @param restored             records that pass their checksum and decode: restored (or, in a dry run, restorable)
 * @param stillDamaged         records that still fail and stay in quarantine
 * @param metadataEntryRemoved whether the batch's quarantined metadata entry goes, replaced by the new batch's
 * @param newBatch             the batch the restored records now form; null in a dry run or when nothing was restored
 */
public record RequeueOutcome(long originalBatchId, int restored, int stillDamaged, boolean metadataEntryRemoved,
                             BatchMetadata newBatch) {
    @Override
    public String toString() {
        return "RequeueOutcome{batch " + originalBatchId + ": restored " + restored + ", still damaged " + stillDamaged
            + (newBatch != null ? ", new batch " + newBatch.id() : "") + "}";
    }
}
