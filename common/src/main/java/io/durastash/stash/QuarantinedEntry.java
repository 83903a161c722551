package io.durastash.stash;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** An entry that failed its checksum or did not decode, set aside with the reason. */
public final class QuarantinedEntry {
    /** The column family the entry came from: {@code meta} or {@code data}. */
    private final String family;
    private final long batchId;
    /** Record index within the batch, or -1 for a metadata entry. */
    private final int index;
    private final String reason;
    private final long quarantinedAt;
    private final byte[] bytes;

    @JsonCreator
    public QuarantinedEntry(@JsonProperty("family") String family, @JsonProperty("batchId") long batchId,
                            @JsonProperty("index") int index, @JsonProperty("reason") String reason,
                            @JsonProperty("quarantinedAt") long quarantinedAt, @JsonProperty("bytes") byte[] bytes) {
        this.family = family;
        this.batchId = batchId;
        this.index = index;
        this.reason = reason;
        this.quarantinedAt = quarantinedAt;
        this.bytes = bytes;
    }

    @JsonProperty
    public String family() {
        return family;
    }

    @JsonProperty
    public long batchId() {
        return batchId;
    }

    @JsonProperty
    public int index() {
        return index;
    }

    @JsonProperty
    public String reason() {
        return reason;
    }

    @JsonProperty
    public long quarantinedAt() {
        return quarantinedAt;
    }

    @JsonProperty
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public String toString() {
        return "QuarantinedEntry{" + family + " batch " + batchId + (index >= 0 ? " record " + index : "") + ": " + reason + "}";
    }
}
