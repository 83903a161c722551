package io.durastash.stash.model;

/** A record's place in the stash: batch ids start at 1, record indexes at 0. */
public record StashPosition(long batchId, int index) {
    public StashPosition {
        if (batchId < 1 || index < 0) {
            throw new IllegalArgumentException("batch " + batchId + " index " + index);
        }
    }

    @Override
    public String toString() {
        return "batch " + batchId + " index " + index;
    }
}
