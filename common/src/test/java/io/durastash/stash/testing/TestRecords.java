package io.durastash.stash.testing;

import io.durastash.stash.Stash;
import io.durastash.stash.codec.RecordCodec;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.EncodedRecord;
import io.durastash.stash.model.NewBatch;
import io.durastash.stash.model.StashRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds byte records and appends them, for engine tests and the connectors' tests. */
public final class TestRecords {
    /** The sink connector name that {@link #appendBatch} stashes offsets under. */
    public static final String SINK = "test-sink";

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

    /** {@code count} records of {@code topic}-{@code partition} from offset {@code from}, valued "value-&lt;offset&gt;". */
    public NewBatch batch(String topic, int partition, long from, int count) {
        List<EncodedRecord> records = new ArrayList<>(count);
        for (long offset = from; offset < from + count; offset++) {
            records.add(encode(bytesRecord(topic, partition, offset, "value-" + offset)));
        }
        return new NewBatch(topic, records);
    }

    /** Appends one batch (group = topic) of {@code count} records from offset {@code from}, synced. */
    public BatchMetadata appendBatch(Stash stash, String topic, int partition, long from, int count) {
        return stash.ledger(SINK).append(List.of(batch(topic, partition, from, count)),
            Map.of(new TopicPartition(topic, partition), from + count - 1), true).get(0);
    }

    /** The value of a record built by this class, as a string. */
    public static String value(StashRecord record) {
        return new String((byte[]) record.value(), StandardCharsets.UTF_8);
    }
}
