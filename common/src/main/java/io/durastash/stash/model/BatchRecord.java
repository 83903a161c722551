package io.durastash.stash.model;

/**
 * A record read back from a batch for delivery, with its position in that batch and {@code storedBytes}, the bytes it
 * takes in the stash (encoded: key, value, headers and its metadata), whatever its converter will make of it.
 */
public record BatchRecord(long batchId, int index, StashRecord record, int storedBytes) {
    /** Where the record sits in the stash. */
    public StashPosition position() {
        return new StashPosition(batchId, index);
    }
}
