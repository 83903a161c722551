package io.durastash.stash.inspect;

import java.util.List;

/** What {@link StashInspector#verify(int)} found: how much it checked, and every damaged entry (the first ones listed). */
public final class VerifyReport {
    /** The kinds of damage verification detects. */
    public enum Kind {
        /** RocksDB's own block checksums of its files do not match. */
        STORAGE,
        /** A batch's metadata fails its checksum, does not parse, or names another batch. */
        METADATA,
        /** A record fails its checksum or does not decode. */
        RECORD,
        /** A record's index is outside its batch's record count. */
        RECORD_INDEX,
        /** Records stored under a batch id that has no metadata. */
        ORPHAN_RECORDS,
        /** A key of an unexpected length. */
        KEY,
        /** A quarantine entry that does not parse. */
        QUARANTINE_ENTRY,
        /** The write-ahead log, damaged: opening the stash for this check dropped the writes after the damage. */
        WAL
    }

    /** One damaged entry. */
    public record Damage(Kind kind, long batchId, int index, String detail) {
        @Override
        public String toString() {
            return kind + " batch " + batchId + (index >= 0 ? " record " + index : "") + ": " + detail;
        }
    }

    private final long batches;
    private final long records;
    private final long recordBytes;
    private final long quarantineEntries;
    private final long damageCount;
    private final List<Damage> damages;

    VerifyReport(long batches, long records, long recordBytes, long quarantineEntries, long damageCount, List<Damage> damages) {
        this.batches = batches;
        this.records = records;
        this.recordBytes = recordBytes;
        this.quarantineEntries = quarantineEntries;
        this.damageCount = damageCount;
        this.damages = List.copyOf(damages);
    }

    /** Metadata entries checked. */
    public long batches() {
        return batches;
    }

    /** Record entries checked. */
    public long records() {
        return records;
    }

    public long recordBytes() {
        return recordBytes;
    }

    /** Entries already in quarantine: known damage, set aside, not counted as damage here. */
    public long quarantineEntries() {
        return quarantineEntries;
    }

    /** How many damaged entries were found, listed or not. */
    public long damageCount() {
        return damageCount;
    }

    /** The first damaged entries found, up to the limit passed to {@link StashInspector#verify(int)}. */
    public List<Damage> damages() {
        return damages;
    }

    public boolean clean() {
        return damageCount == 0;
    }
}
