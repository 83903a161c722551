package io.durastash.source;

import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.BatchRecord;
import io.durastash.stash.model.StashRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * Headers that tell a loader where a record came from, so it can rebuild the stash's batch boundaries.
 * Values are UTF-8 text under a BYTES schema: the one header schema that both ByteArrayConverter (which
 * rejects any other schema type) and SimpleHeaderConverter (which writes bytes as Base64 text) accept.
 */
final class ProvenanceHeaders {
    static final String BATCH_ID = "batch.id";
    static final String BATCH_INDEX = "batch.index";
    static final String BATCH_SIZE = "batch.size";
    static final String INPUT_TOPIC = "input.topic";
    static final String INPUT_PARTITION = "input.partition";
    static final String INPUT_OFFSET = "input.offset";

    private final String batchId;
    private final String batchIndex;
    private final String batchSize;
    private final String inputTopic;
    private final String inputPartition;
    private final String inputOffset;

    ProvenanceHeaders(String prefix) {
        this.batchId = prefix + BATCH_ID;
        this.batchIndex = prefix + BATCH_INDEX;
        this.batchSize = prefix + BATCH_SIZE;
        this.inputTopic = prefix + INPUT_TOPIC;
        this.inputPartition = prefix + INPUT_PARTITION;
        this.inputOffset = prefix + INPUT_OFFSET;
    }

    /** Adds the headers of {@code entry}, replacing any the record already carries under the same keys. */
    void addTo(Headers headers, BatchMetadata batch, BatchRecord entry) {
        StashRecord record = entry.record();
        put(headers, batchId, Long.toString(batch.id()));
        put(headers, batchIndex, Integer.toString(entry.index()));
        put(headers, batchSize, Integer.toString(batch.recordCount()));
        put(headers, inputTopic, record.topic());
        put(headers, inputPartition, Integer.toString(record.partition()));
        put(headers, inputOffset, Long.toString(record.offset()));
    }

    /** What {@link #addTo} adds to a record's size, at most (a header it replaces is counted twice). */
    long sizeInBytes(BatchMetadata batch, BatchRecord entry) {
        StashRecord record = entry.record();
        return bytes(batchId, Long.toString(batch.id())) + bytes(batchIndex, Integer.toString(entry.index()))
            + bytes(batchSize, Integer.toString(batch.recordCount())) + bytes(inputTopic, record.topic())
            + bytes(inputPartition, Integer.toString(record.partition())) + bytes(inputOffset, Long.toString(record.offset()));
    }

    private static long bytes(String key, String text) {
        return OutputLimits.HEADER_OVERHEAD + key.getBytes(StandardCharsets.UTF_8).length
            + text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void put(Headers headers, String key, String text) {
        headers.remove(key);
        headers.add(key, text.getBytes(StandardCharsets.UTF_8), Schema.BYTES_SCHEMA);
    }
}
