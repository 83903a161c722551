package io.durastash.stash;

/** A record read for inspection: decoded, or left where it is with the reason it does not pass. */
public final class ScannedRecord {
    private final long batchId;
    private final int index;
    private final int storedBytes;
    private final StashRecord record;
    private final String damage;

    ScannedRecord(long batchId, int index, int storedBytes, StashRecord record, String damage) {
        this.batchId = batchId;
        this.index = index;
        this.storedBytes = storedBytes;
        this.record = record;
        this.damage = damage;
    }

    public long batchId() {
        return batchId;
    }

    public int index() {
        return index;
    }

    /** Size of the encoded record as stored. */
    public int storedBytes() {
        return storedBytes;
    }

    /** The decoded record; null when it is damaged. */
    public StashRecord record() {
        return record;
    }

    public boolean damaged() {
        return record == null;
    }

    /** Why the record fails its checksum or does not decode; null when it passes. */
    public String damage() {
        return damage;
    }
}
