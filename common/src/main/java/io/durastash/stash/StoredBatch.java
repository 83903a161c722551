package io.durastash.stash;

/**
 * A batch's metadata as stored on disk, read for inspection: the metadata when it passes its checksum, otherwise
 * why it does not. Reading it changes nothing.
 */
public final class StoredBatch {
    private final long id;
    private final BatchMetadata metadata;
    private final String damage;
    private final int storedBytes;

    StoredBatch(long id, BatchMetadata metadata, String damage, int storedBytes) {
        this.id = id;
        this.metadata = metadata;
        this.damage = damage;
        this.storedBytes = storedBytes;
    }

    /** The batch id, from the entry's key (trustworthy even when the metadata is damaged). */
    public long id() {
        return id;
    }

    /** The metadata; null when it is damaged. */
    public BatchMetadata metadata() {
        return metadata;
    }

    public boolean damaged() {
        return metadata == null;
    }

    /** Why the metadata does not pass; null when it does. */
    public String damage() {
        return damage;
    }

    /** Size of the stored metadata entry in bytes. */
    public int storedBytes() {
        return storedBytes;
    }

    @Override
    public String toString() {
        return damaged() ? "StoredBatch{" + id + " damaged: " + damage + "}" : String.valueOf(metadata);
    }
}
