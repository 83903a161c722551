package io.durastash.stash.inspect;

import io.durastash.stash.model.BatchMetadata;

/**
 * A batch's metadata as stored on disk, read for inspection: the metadata when it passes its checksum, otherwise
 * why it does not. Reading it changes nothing.
 *
 * @param id          the batch id, from the entry's key (trustworthy even when the metadata is damaged)
 * @param metadata    the metadata; null when it is damaged
 * @param damage      why the metadata does not pass; null when it does
 * @param storedBytes size of the stored metadata entry in bytes
 */
public record InspectedBatch(long id, BatchMetadata metadata, String damage, int storedBytes) {
    public boolean damaged() {
        return metadata == null;
    }

    @Override
    public String toString() {
        return damaged() ? "InspectedBatch{" + id + " damaged: " + damage + "}" : String.valueOf(metadata);
    }
}
