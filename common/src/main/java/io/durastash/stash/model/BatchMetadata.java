package io.durastash.stash.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * What the stash knows about one batch, stored as JSON in the {@code meta} column family. The
 * checksum covers every other field, so a damaged entry is detected even when it still parses.
 */
@JsonPropertyOrder({"id", "group", "status", "recordCount", "byteSize", "createdAt", "loadedAt", "loadAttempts", "offsets",
    "requeued", "checksum"})
public final class BatchMetadata {
    private final long id;
    private final String group;
    private final BatchStatus status;
    private final int recordCount;
    private final long byteSize;
    private final long createdAt;
    private final long loadedAt;
    private final int loadAttempts;
    private final List<OffsetRange> offsets;
    private final boolean requeued;
    private final long checksum;

    @JsonCreator
    BatchMetadata(@JsonProperty("id") long id, @JsonProperty("group") String group,
                  @JsonProperty("status") BatchStatus status, @JsonProperty("recordCount") int recordCount,
                  @JsonProperty("byteSize") long byteSize, @JsonProperty("createdAt") long createdAt,
                  @JsonProperty("loadedAt") long loadedAt, @JsonProperty("loadAttempts") int loadAttempts,
                  @JsonProperty("offsets") List<OffsetRange> offsets, @JsonProperty("requeued") Boolean requeued,
                  @JsonProperty("checksum") long checksum) {
        this.id = id;
        this.group = group;
        this.status = status;
        this.recordCount = recordCount;
        this.byteSize = byteSize;
        this.createdAt = createdAt;
        this.loadedAt = loadedAt;
        this.loadAttempts = loadAttempts;
        this.offsets = offsets == null ? List.of() : List.copyOf(offsets);
        this.requeued = Boolean.TRUE.equals(requeued); // absent from batches written before it
        this.checksum = checksum;
    }

    /** The metadata of a batch being appended: PENDING, never loaded, sealed with its checksum. */
    public static BatchMetadata pending(long id, String group, int recordCount, long byteSize, long createdAt,
                                        List<OffsetRange> offsets) {
        return pending(id, group, recordCount, byteSize, createdAt, offsets, false);
    }

    /** The same, for a batch an operator {@linkplain #requeued() requeued} when {@code requeued}. */
    public static BatchMetadata pending(long id, String group, int recordCount, long byteSize, long createdAt,
                                        List<OffsetRange> offsets, boolean requeued) {
        return new BatchMetadata(id, group, BatchStatus.PENDING, recordCount, byteSize, createdAt, 0L, 0, offsets,
            requeued, 0L).sealed();
    }

    /** This batch as claimed by a drainer at {@code now}: LOADED, one more load attempt. */
    public BatchMetadata loaded(long now) {
        return new BatchMetadata(id, group, BatchStatus.LOADED, recordCount, byteSize, createdAt, now, loadAttempts + 1,
            offsets, requeued, 0L).sealed();
    }

    private BatchMetadata sealed() {
        return new BatchMetadata(id, group, status, recordCount, byteSize, createdAt, loadedAt, loadAttempts, offsets,
            requeued, computeChecksum());
    }

    /** CRC32C over a canonical rendering of every field but the checksum itself. */
    long computeChecksum() {
        StringBuilder sb = new StringBuilder(128)
            .append(id).append('|').append(group).append('|').append(status).append('|')
            .append(recordCount).append('|').append(byteSize).append('|').append(createdAt).append('|')
            .append(loadedAt).append('|').append(loadAttempts);
        for (OffsetRange r : offsets) {
            sb.append('|').append(r.topic()).append(':').append(r.partition()).append(':').append(r.first()).append(':').append(r.last());
        }
        if (requeued) {
            sb.append("|requeued"); // absent otherwise: the checksums of batches written before this field hold
        }
        CRC32C crc = new CRC32C();
        crc.update(sb.toString().getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    /** Whether the stored checksum matches the fields: false for an entry damaged in a way that still parses. */
    public boolean checksumMatches() {
        return checksum == computeChecksum();
    }

    @JsonProperty
    public long id() {
        return id;
    }

    /** The group the sink put these records in (input topic, header value, or empty). */
    @JsonProperty
    public String group() {
        return group;
    }

    @JsonProperty
    public BatchStatus status() {
        return status;
    }

    @JsonProperty
    public int recordCount() {
        return recordCount;
    }

    /** Bytes of encoded records in the batch. */
    @JsonProperty
    public long byteSize() {
        return byteSize;
    }

    @JsonProperty
    public long createdAt() {
        return createdAt;
    }

    /** When the batch was last claimed by a drainer; 0 if never. */
    @JsonProperty
    public long loadedAt() {
        return loadedAt;
    }

    @JsonProperty
    public int loadAttempts() {
        return loadAttempts;
    }

    @JsonProperty
    public List<OffsetRange> offsets() {
        return offsets;
    }

    /**
     * Whether an operator requeued these records from the quarantine: their input offsets are committed already, so
     * they are delivered from this stash whoever consumes their input partitions now, and commit no input offset.
     */
    @JsonProperty
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public boolean requeued() {
        return requeued;
    }

    @JsonProperty
    public long checksum() {
        return checksum;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BatchMetadata)) {
            return false;
        }
        BatchMetadata that = (BatchMetadata) o;
        return id == that.id && checksum == that.checksum && Objects.equals(group, that.group) && status == that.status;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }

    @Override
    public String toString() {
        return "Batch{" + id + " " + status + " group=" + group + " records=" + recordCount + " bytes=" + byteSize + "}";
    }
}
