package io.durastash.source;

import io.durastash.connect.StashConnectorConfig;
import io.durastash.stash.Stash;
import io.durastash.stash.StashRegistry;
import io.durastash.stash.codec.RecordCodec;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.EncodedRecord;
import io.durastash.stash.model.NewBatch;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashRecord;
import io.durastash.stash.model.StashStats;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real stash in a temporary directory, held open by the test through the JVM registry (as a sink task
 * would hold it), with helpers that append batches of recognisable records.
 */
final class TestStash implements AutoCloseable {
    static final String NAME = "test-stash";
    /** The source connector the tasks run for, which owns the stash with its sink. */
    static final String SOURCE_NAME = "test-source";

    final Path dir;
    final Path path;
    private final RecordCodec codec = new RecordCodec();
    private StashRegistry.Lease lease;

    TestStash(Path dir) {
        this.dir = dir;
        this.path = dir.resolve(NAME);
        this.lease = StashRegistry.jvm().acquire(path, StashOptions.defaults().withMemoryBytes(StashOptions.MIN_MEMORY_BYTES));
    }

    Stash stash() {
        return lease.stash();
    }

    StashStats stats() {
        return stash().stats();
    }

    /** The task config naming this stash, with short waits, plus {@code overrides} (key, value, key, value...). */
    Map<String, String> taskProps(String... overrides) {
        Map<String, String> props = new HashMap<>();
        props.put(StashConnectorConfig.CONNECTOR_NAME_CONFIG, SOURCE_NAME);
        props.put(StashConnectorConfig.STASH_DIR_CONFIG, dir.toString());
        props.put(StashConnectorConfig.STASH_NAME_CONFIG, NAME);
        props.put(StashConnectorConfig.STASH_MEMORY_BYTES_CONFIG, Long.toString(StashOptions.MIN_MEMORY_BYTES));
        props.put(StashSourceConfig.POLL_WAIT_MS_CONFIG, "50");
        for (int i = 0; i < overrides.length; i += 2) {
            props.put(overrides[i], overrides[i + 1]);
        }
        return props;
    }

    /** Appends one batch of {@code count} records of {@code topic}-{@code partition} from {@code firstOffset}. */
    BatchMetadata append(String topic, int partition, long firstOffset, int count) {
        List<StashRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(record(topic, partition, firstOffset + i));
        }
        return append(records);
    }

    BatchMetadata append(List<StashRecord> records) {
        List<EncodedRecord> encoded = new ArrayList<>();
        for (StashRecord record : records) {
            encoded.add(new EncodedRecord(new TopicPartition(record.topic(), record.partition()), record.offset(),
                codec.encode(record)));
        }
        List<BatchMetadata> batches = stash().ledger("test-sink").append(List.of(new NewBatch("group", encoded)), Map.of(), true);
        return batches.get(0);
    }

    /** A record whose key, value, header and timestamp all derive from its input position. */
    static StashRecord record(String topic, int partition, long offset) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("origin", topic + "/" + partition + "/" + offset);
        return new StashRecord(topic, partition, offset, 1_000_000L + offset, TimestampType.CREATE_TIME,
            Schema.STRING_SCHEMA, key(topic, partition, offset), Schema.OPTIONAL_BYTES_SCHEMA, value(offset), headers);
    }

    static String key(String topic, int partition, long offset) {
        return topic + "-" + partition + "-" + offset;
    }

    static byte[] value(long offset) {
        return ("value-" + offset).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Releases the test's hold; the stash closes if no task holds it. */
    @Override
    public void close() {
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }
}
