package io.durastash.stash.model;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * An entry set aside with the reason: it failed its checksum, did not decode or could not be read at all (damage), or
 * it is an intact record the output refused ({@code refused}: too large for the output topic, say).
 *
 * @param family  the column family the entry came from: {@code meta}, {@code data}, or {@link #UNREADABLE}
 * @param index   record index within the batch (the first of {@code records}), or -1 for a metadata entry
 * @param bytes   the entry as it was stored; null when it could not be read
 * @param records how many records the entry stands for: 1, or more for a run that could not be read (0 in entries
 *                written before this field: read as 1)
 * @param offsets the input offsets the damaged part may hold: its batch's ranges (empty when unknown)
 * @param group   the group of the batch it came from; null when unknown
 * @param refusedByOutput true when the output refused the record: it is intact, and requeued once the cause is fixed;
 *                        null (in entries written before this field) or false for damage
 */
public record QuarantinedEntry(@JsonProperty("family") String family, @JsonProperty("batchId") long batchId,
                               @JsonProperty("index") int index, @JsonProperty("reason") String reason,
                               @JsonProperty("quarantinedAt") long quarantinedAt, @JsonProperty("bytes") byte[] bytes,
                               @JsonProperty("records") int records, @JsonProperty("offsets") List<OffsetRange> offsets,
                               @JsonProperty("group") String group,
                               @JsonProperty("refused") Boolean refusedByOutput) {
    /** The family of an entry whose quarantine record itself does not parse. */
    public static final String UNREADABLE = "unreadable";

    public QuarantinedEntry {
        offsets = offsets == null ? List.of() : List.copyOf(offsets);
    }

    /** An entry for damage. */
    public QuarantinedEntry(String family, long batchId, int index, String reason, long quarantinedAt, byte[] bytes,
                            int records, List<OffsetRange> offsets, String group) {
        this(family, batchId, index, reason, quarantinedAt, bytes, records, offsets, group, false);
    }

    /** An entry for one damaged stored entry. */
    public QuarantinedEntry(String family, long batchId, int index, String reason, long quarantinedAt, byte[] bytes) {
        this(family, batchId, index, reason, quarantinedAt, bytes, 1, List.of(), null);
    }

    /** Whether the output refused the record (else it is damage). */
    public boolean refused() {
        return Boolean.TRUE.equals(refusedByOutput);
    }

    /** Whether what was stored is gone: nothing to requeue from. */
    public boolean lost() {
        return bytes == null;
    }

    @Override
    public String toString() {
        return "QuarantinedEntry{" + family + " batch " + batchId + (index >= 0 ? " record " + index : "")
            + (records > 1 ? " (" + records + " records)" : "") + ": " + reason + "}";
    }
}
