package io.durastash.stash;

import io.durastash.stash.codec.RecordCodec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds byte records and appends them, for engine tests and the connectors' tests. */
public final class TestRecords {
    private final RecordCodec codec = new RecordCodec();

    public static StashRecord bytesRecord(String topic, int partition, long offset, String value) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.add("seq", String.valueOf(offset).getBytes(StandardCharsets.UTF_8), Schema.OPTIONAL_BYTES_SCHEMA);
        return new StashRecord(topic, partition, offset, 1_700_000_000_000L + offset, TimestampType.CREATE_TIME,
            Schema.OPTIONAL_BYTES_SCHEMA, ("k" + offset).getBytes(StandardCharsets.UTF_8),
            Schema.OPTIONAL_BYTES_SCHEMA, value == null ? null : value.getBytes(StandardCharsets.UTF_8), headers);
    }

    public EncodedRecord encode(StashRecord record) {
        return new EncodedRecord(new TopicPartition(record.topic(), record.partition()), record.offset(), codec.encode(record));
    }

    /** Appends one batch (group = topic) of {@code count} records from offset {@code from}, synced. */
    public BatchMetadata appendBatch(Stash stash, String topic, int partition, long from, int count) {
        List<EncodedRecord> records = new ArrayList<>(count);
        for (long offset = from; offset < from + count; offset++) {
            records.add(encode(bytesRecord(topic, partition, offset, "value-" + offset)));
        }
        Map<String, List<EncodedRecord>> groups = new LinkedHashMap<>();
        groups.put(topic, records);
        return stash.append("test-sink", groups, Map.of(new TopicPartition(topic, partition), from + count - 1), true).get(0);
    }

    /** Reads every record of a batch back as its value string. */
    public static List<String> values(Stash stash, BatchMetadata batch) {
        List<String> values = new ArrayList<>();
        try (BatchReader reader = stash.read(batch, 0, new RecordCodec())) {
            reader.forEachRemaining(e -> values.add(new String((byte[]) e.record().value(), StandardCharsets.UTF_8)));
        }
        return values;
    }
}
