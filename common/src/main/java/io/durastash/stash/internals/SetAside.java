package io.durastash.stash.internals;

/**
 * Where readers put what they find damaged, so that the rest of the stash keeps flowing: the quarantine
 * ({@link io.durastash.stash.quarantine.QuarantineStore}) moves the entry there with the reason, in one synced write.
 */
public interface SetAside {
    /** Moves one damaged record out of {@code data}. */
    void record(long batchId, int index, byte[] bytes, String reason);

    /** Moves a batch whose metadata is damaged, with all its records, out of {@code meta} and {@code data}. */
    void batch(long batchId, byte[] metadataBytes, String reason);

    /** How many entries are set aside. */
    long size();
}
