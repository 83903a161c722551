package io.durastash.stash.model;

/** A record read back from a batch for delivery, with its position in that batch. */
public record BatchRecord(long batchId, int index, StashRecord record) {
    /** Where the record sits in the stash. */
    public StashPosition position() {
        return new StashPosition(batchId, index);
    }
}
