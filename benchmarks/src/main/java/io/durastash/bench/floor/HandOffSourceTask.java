package io.durastash.bench.floor;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Emits the {@link HandOff}'s records in the order the sink put them, up to {@code poll.max.records} per poll, each
 * in its input partition of the output topic, with its key, value, timestamp and headers. The source partition is the
 * input partition, the source offset the input offset; when Kafka acknowledged a record, {@link #commitRecord} tells
 * the hand-off, and the sink may commit that input offset.
 */
public final class HandOffSourceTask extends SourceTask {
    private static final String OFFSET_KEY = "offset";

    private HandOff handOff;
    private String topic;
    private int maxRecords;
    private long waitMs;
    private List<SinkRecord> batch = List.of();
    private int next;
    /** Source partition maps and the input partitions they stand for; read by the producer thread's commitRecord. */
    private final ConcurrentMap<Map<String, ?>, TopicPartition> inputs = new ConcurrentHashMap<>();
    private SinkRecord lastRecord;
    private Map<String, ?> lastSourcePartition;

    @Override
    public void start(Map<String, String> props) {
        HandOffConfig config = HandOffConfig.source(props);
        handOff = config.handOff();
        topic = config.topic();
        maxRecords = config.pollMaxRecords();
        waitMs = config.pollWaitMs();
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        List<SourceRecord> records = new ArrayList<>(Math.min(maxRecords, 8192));
        while (records.size() < maxRecords) {
            if (next == batch.size()) {
                List<SinkRecord> taken = handOff.take(records.isEmpty() ? waitMs : 0);
                if (taken == null) {
                    break;
                }
                batch = taken;
                next = 0;
            }
            int end = Math.min(batch.size(), next + maxRecords - records.size());
            for (; next < end; next++) {
                records.add(toSourceRecord(batch.get(next)));
            }
        }
        return records.isEmpty() ? null : records;
    }

    private SourceRecord toSourceRecord(SinkRecord record) {
        return new SourceRecord(sourcePartition(record), Collections.singletonMap(OFFSET_KEY, record.kafkaOffset()), topic,
            record.kafkaPartition(), record.keySchema(), record.key(), record.valueSchema(), record.value(),
            record.timestamp(), record.headers());
    }

    /** The source partition of {@code record}'s input partition, the previous record's along a run of one partition. */
    private Map<String, ?> sourcePartition(SinkRecord record) {
        if (lastRecord == null || !lastRecord.topic().equals(record.topic())
            || !lastRecord.kafkaPartition().equals(record.kafkaPartition())) {
            TopicPartition input = new TopicPartition(record.topic(), record.kafkaPartition());
            Map<String, ?> partition = Map.of("topic", input.topic(), "partition", input.partition());
            inputs.putIfAbsent(partition, input);
            lastSourcePartition = partition;
        }
        lastRecord = record;
        return lastSourcePartition;
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        handOff.acknowledged(inputs.get(record.sourcePartition()), (Long) record.sourceOffset().get(OFFSET_KEY));
    }

    @Override
    public void stop() {
    }

    @Override
    public String version() {
        return AppInfoParser.getVersion();
    }
}
