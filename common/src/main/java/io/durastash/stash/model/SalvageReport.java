package io.durastash.stash.model;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * What a salvage copied into the new stash, and what it could not.
 *
 * @param into              the new stash's directory
 * @param stashId           the new stash's identity: the source connector delivers all of it as new
 * @param batches           batches copied, each as one batch in the same order
 * @param records           records copied
 * @param recordBytes       their encoded bytes
 * @param losses            the batches with records that could not be copied
 * @param refetchRanges     input offset ranges the new stash asks its sink to fetch again from the input topic: those
 *                          of the losses and those the old stash still asked for
 * @param quarantineEntries entries in the old stash's quarantine, left there
 */
public record SalvageReport(Path into, UUID stashId, long batches, long records, long recordBytes, List<Loss> losses,
                            List<OffsetRange> refetchRanges, long quarantineEntries) {
    /**
     * Records of one batch that could not be copied.
     *
     * @param batchId         the batch's id in the old stash
     * @param damagedRecords  records that fail their checksum or cannot be read
     * @param reason          why, for the first of them
     * @param offsets         the input offsets the batch held; without its metadata, those of its surviving records
     * @param metadataDamaged whether the batch's metadata was damaged too (then records past the last readable one
     *                        are not counted, and {@code offsets} may not cover the lost ones)
     */
    public record Loss(long batchId, int damagedRecords, String reason, List<OffsetRange> offsets, boolean metadataDamaged) {
    }

    public long damagedRecords() {
        return losses.stream().mapToLong(Loss::damagedRecords).sum();
    }
}
