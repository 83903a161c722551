package io.durastash.stash.inspect;

import io.durastash.stash.model.StashRecord;

/**
 * A record read for inspection: decoded, or left where it is with the reason it does not pass.
 *
 * @param storedBytes size of the encoded record as stored
 * @param record      the decoded record; null when it is damaged
 * @param damage      why the record fails its checksum or does not decode; null when it passes
 */
public record InspectedRecord(long batchId, int index, int storedBytes, StashRecord record, String damage) {
    public boolean damaged() {
        return record == null;
    }
}
