package io.durastash.stash.internals;

import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.OffsetRange;

import java.util.List;

/**
 * Where readers put what they find damaged, so that the rest of the stash keeps flowing: the quarantine
 * ({@link io.durastash.stash.quarantine.QuarantineStore}) moves the entry there with the reason and the input offsets
 * the damaged part may hold, in one synced write.
 */
public interface SetAside {
    /**
     * Moves one record of {@code batch} that fails its checksum or does not decode out of {@code data}; {@code lost}
     * are the input offsets of the batch it may hold, from its partition's first record not read yet (to fetch again).
     */
    void record(BatchMetadata batch, int index, byte[] bytes, String reason, List<OffsetRange> lost);

    /**
     * Records that records {@code fromIndex} to {@code toIndex} (exclusive) of {@code batch} cannot be read at all, and
     * drops them from {@code data}; {@code lost} as for {@link #record}.
     */
    void unreadable(BatchMetadata batch, int fromIndex, int toIndex, String reason, List<OffsetRange> lost);

    /**
     * Records a damaged metadata entry of batch {@code batchId} (its bytes, null when they cannot be read), whose
     * batch was rebuilt from its records ({@link MetadataRebuild}), holding {@code offsets}.
     */
    void metadata(long batchId, byte[] metadataBytes, String reason, List<OffsetRange> offsets);

    /** How many entries are set aside. */
    long size();
}
