package io.durastash.source;

import io.durastash.stash.model.StashPosition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The source partition and offset of emitted records. The partition names the stash by its identity,
 * {@code {"stash": "<uuid>"}}, so a recreated stash never inherits the offsets of an old one; the offset
 * is the last record's position, {@code {"batch": <batch id>, "index": <record index>}}.
 */
final class SourceOffsets {
    static final String STASH_KEY = "stash";
    static final String BATCH_KEY = "batch";
    static final String INDEX_KEY = "index";

    /**
     * The source offset map of one emitted record, {@code {"batch": <id>, "index": <index>}}: one small object per
     * record instead of a general map and two boxed numbers; equal to any map with the same entries. It also knows the
     * record's input partition and offset, which are not entries: Connect hands the object back with the
     * acknowledgement, and the sink side of the stash counts acknowledgements per input partition.
     */
    static final class Offset extends AbstractMap<String, Object> {
        private final long batchId;
        private final int index;
        private final TopicPartition input;
        private final long inputOffset;

        private Offset(long batchId, int index, TopicPartition input, long inputOffset) {
            this.batchId = batchId;
            this.index = index;
            this.input = input;
            this.inputOffset = inputOffset;
        }

        long batchId() {
            return batchId;
        }

        /** The input partition of the record; null for an offset read back from Connect. */
        TopicPartition input() {
            return input;
        }

        long inputOffset() {
            return inputOffset;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return Set.of(Map.entry(BATCH_KEY, batchId), Map.entry(INDEX_KEY, index));
        }

        @Override
        public int size() {
            return 2;
        }

        @Override
        public Object get(Object key) {
            if (BATCH_KEY.equals(key)) {
                return batchId;
            }
            return INDEX_KEY.equals(key) ? index : null;
        }

        @Override
        public boolean containsKey(Object key) {
            return BATCH_KEY.equals(key) || INDEX_KEY.equals(key);
        }
    }

    private SourceOffsets() {
    }

    /** The source offset of the record at {@code position}, which came from {@code input} at {@code inputOffset}. */
    static Offset offset(StashPosition position, TopicPartition input, long inputOffset) {
        return new Offset(position.batchId(), position.index(), input, inputOffset);
    }

    static Map<String, String> partition(UUID stashId) {
        return Map.of(STASH_KEY, stashId.toString());
    }

    /**
     * Reads an offset from Connect (the offset store or the REST API): null stays null, anything but
     * exactly {@code batch} (an integer at least 1) and {@code index} (an integer from 0) is rejected.
     */
    static StashPosition position(Map<String, ?> offset) {
        if (offset == null) {
            return null;
        }
        if (offset.size() != 2 || !offset.containsKey(BATCH_KEY) || !offset.containsKey(INDEX_KEY)) {
            throw new ConnectException("Invalid source offset " + offset + ": it must have exactly the keys '" + BATCH_KEY
                + "' (a stash batch id, at least 1) and '" + INDEX_KEY + "' (a record index in that batch, from 0), e.g. "
                + "{\"" + BATCH_KEY + "\": 12, \"" + INDEX_KEY + "\": 0}.");
        }
        long batch = integer(offset, BATCH_KEY, 1, Long.MAX_VALUE);
        long index = integer(offset, INDEX_KEY, 0, Integer.MAX_VALUE);
        return new StashPosition(batch, (int) index);
    }

    /** Rejects any source partition but {@code {"stash": "<uuid>"}}. */
    static void checkPartition(Map<String, ?> partition) {
        if (partition == null || partition.size() != 1 || !(partition.get(STASH_KEY) instanceof String)) {
            throw new ConnectException("Invalid source partition " + partition + ": it must be {\"" + STASH_KEY
                + "\": \"<stash id>\"}, the UUID that the source task logs when it starts.");
        }
        String id = (String) partition.get(STASH_KEY);
        try {
            if (!UUID.fromString(id).toString().equalsIgnoreCase(id)) {
                throw new IllegalArgumentException(id);
            }
        } catch (IllegalArgumentException e) {
            throw new ConnectException("Invalid source partition " + partition + ": '" + id + "' is not a stash id (a UUID "
                + "such as 0c5e7f0e-7a43-4b9e-9d6f-2f1f8c0f8a11).");
        }
    }

    /** The batch id of a record this connector emitted, from its source offset. */
    static long batchId(Map<String, ?> offset) {
        if (offset instanceof Offset) {
            return ((Offset) offset).batchId();
        }
        Object batch = offset == null ? null : offset.get(BATCH_KEY);
        if (!(batch instanceof Number)) {
            throw new IllegalArgumentException("not a DuraStash source offset: " + offset);
        }
        return ((Number) batch).longValue();
    }

    private static long integer(Map<String, ?> offset, String key, long min, long max) {
        Object value = offset.get(key);
        if (!(value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)) {
            throw new ConnectException("Invalid source offset " + offset + ": '" + key + "' must be an integer, not "
                + (value == null ? "null" : value.getClass().getSimpleName() + " " + value) + ".");
        }
        long n = ((Number) value).longValue();
        if (n < min || n > max) {
            throw new ConnectException("Invalid source offset " + offset + ": '" + key + "' must be between " + min
                + " and " + max + ", not " + n + ".");
        }
        return n;
    }
}
