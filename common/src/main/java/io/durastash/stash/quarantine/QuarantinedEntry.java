package io.durastash.stash.quarantine;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An entry that failed its checksum or did not decode, set aside with the reason.
 *
 * @param family the column family the entry came from: {@code meta}, {@code data}, or {@link #UNREADABLE}
 * @param index  record index within the batch, or -1 for a metadata entry
 * @param bytes  the entry as it was stored
 */
public record QuarantinedEntry(@JsonProperty("family") String family, @JsonProperty("batchId") long batchId,
                               @JsonProperty("index") int index, @JsonProperty("reason") String reason,
                               @JsonProperty("quarantinedAt") long quarantinedAt, @JsonProperty("bytes") byte[] bytes) {
    /** The family of an entry whose quarantine record itself does not parse. */
    public static final String UNREADABLE = "unreadable";

    @Override
    public String toString() {
        return "QuarantinedEntry{" + family + " batch " + batchId + (index >= 0 ? " record " + index : "") + ": " + reason + "}";
    }
}
