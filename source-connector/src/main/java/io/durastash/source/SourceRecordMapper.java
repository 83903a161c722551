package io.durastash.source;

import io.durastash.connect.LoopMark;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.BatchRecord;
import io.durastash.stash.model.StashRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.Map;
import java.util.Optional;

/**
 * Turns a stashed record into the {@link SourceRecord} Connect writes: key, value, their schemas, headers
 * and timestamp as stashed; the topic from the template; the input partition kept or left to the producer;
 * the stash position as source offset; provenance headers and the loop mark when enabled. Not thread-safe.
 */
final class SourceRecordMapper {
    private final Map<String, ?> sourcePartition;
    private final TopicTemplate topics;
    private final boolean preservePartition;
    private final ProvenanceHeaders provenance;
    private final LoopMark loopMark;

    SourceRecordMapper(Map<String, ?> sourcePartition, TopicTemplate topics, boolean preservePartition,
                       Optional<ProvenanceHeaders> provenance, Optional<LoopMark> loopMark) {
        this.sourcePartition = sourcePartition;
        this.topics = topics;
        this.preservePartition = preservePartition;
        this.provenance = provenance.orElse(null);
        this.loopMark = loopMark.orElse(null);
    }

    /** The output topic of {@code record}. */
    String topicFor(StashRecord record) {
        return topics.topicFor(record.topic());
    }

    /**
     * The size of the record {@link #toSourceRecord} makes of {@code entry}, at most, once a byte-array or string
     * converter wrote it; -1 when its key or value is of another type.
     */
    long sizeInBytes(BatchMetadata batch, BatchRecord entry) {
        return OutputLimits.sizeInBytes(entry.record(), (provenance == null ? 0 : provenance.sizeInBytes(batch, entry))
            + (loopMark == null ? 0 : loopMark.sizeInBytes()));
    }

    /** @param input the record's input partition (one instance per run of records, for the acknowledgements) */
    SourceRecord toSourceRecord(BatchMetadata batch, BatchRecord entry, TopicPartition input) {
        StashRecord record = entry.record();
        if (provenance != null) {
            provenance.addTo(record.headers(), batch, entry);
        }
        if (loopMark != null) {
            loopMark.addTo(record.headers());
        }
        // A requeued record's input offset is committed already: the sink side has nothing to learn from its delivery.
        return new SourceRecord(sourcePartition, SourceOffsets.offset(entry.position(), batch.requeued() ? null : input,
            record.offset()),
            topics.topicFor(record.topic()), preservePartition ? record.partition() : null,
            record.keySchema(), record.key(), record.valueSchema(), record.value(), record.timestamp(), record.headers());
    }
}
