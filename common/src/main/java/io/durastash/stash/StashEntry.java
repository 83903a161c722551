package io.durastash.stash;

/** A record read back from a batch, with its position in that batch. */
public final class StashEntry {
    private final long batchId;
    private final int index;
    private final StashRecord record;

    StashEntry(long batchId, int index, StashRecord record) {
        this.batchId = batchId;
        this.index = index;
        this.record = record;
    }

    public long batchId() {
        return batchId;
    }

    public int index() {
        return index;
    }

    public StashRecord record() {
        return record;
    }
}
