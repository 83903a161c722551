package io.durastash.sink;

import io.durastash.connect.StashConnectorConfig;
import io.durastash.sink.placement.InputLookup;
import io.durastash.sink.placement.SinkGroup;
import io.durastash.sink.placement.SinkGroups;
import io.durastash.stash.Stash;
import io.durastash.stash.StashRegistry;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashRecord;
import io.durastash.stash.testing.TestDrainer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts sink tasks on a stash in a temporary directory and reads back what they stashed. What Kafka says of the
 * input ({@link #committed}, topic ids) is a fake: a partition nobody set has offset 0 committed by the sink, as when
 * its topic started empty.
 */
final class SinkFixture implements AutoCloseable {
    static final String CONNECTOR = "orders-stash";

    /** The group's committed offsets, as the tasks' consumers would find them when partitions are assigned. */
    final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    private final InputLookup kafka = new InputLookup() {
        @Override
        public Map<String, String> topicIds(Collection<String> topics) {
            return Map.of();
        }

        @Override
        public Map<TopicPartition, OffsetAndMetadata> committed(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            partitions.forEach(tp -> offsets.put(tp, committed.getOrDefault(tp,
                new OffsetAndMetadata(0, InputOffsets.COMMIT_METADATA))));
            return offsets;
        }
    };

    final Path dir;
    final Map<String, String> props = new HashMap<>();
    private final List<StashSinkTask> tasks = new ArrayList<>();
    private StashRegistry.Lease reader;
    private TestDrainer drainer;
    private PluginMetrics pluginMetrics;

    SinkFixture(Path dir) {
        this.dir = dir;
        props.put(StashSinkConfig.CONNECTOR_NAME_CONFIG, CONNECTOR);
        props.put(StashConnectorConfig.STASH_DIR_CONFIG, dir.toString());
        props.put(StashConnectorConfig.STASH_NAME_CONFIG, "test");
        props.put(StashConnectorConfig.STASH_MEMORY_BYTES_CONFIG, String.valueOf(StashOptions.MIN_MEMORY_BYTES));
    }

    SinkFixture with(String key, String value) {
        props.put(key, value);
        return this;
    }

    /** Gives the tasks started from now on these plugin metrics. */
    SinkFixture withPluginMetrics(PluginMetrics metrics) {
        this.pluginMetrics = metrics;
        return this;
    }

    Path stashPath() {
        return dir.resolve("test");
    }

    /** A started task that owns {@code partitions}, as the worker would set it up. */
    Started start(ErrantRecordReporter reporter, TopicPartition... partitions) {
        FakeSinkTaskContext context = new FakeSinkTaskContext(props, reporter);
        context.pluginMetrics = pluginMetrics;
        StashSinkTask task = new StashSinkTask();
        task.initialize(context);
        task.start(new HashMap<>(props));
        tasks.add(task);
        group().input(kafka);
        context.assign(List.of(partitions));
        task.open(List.of(partitions));
        return new Started(task, context);
    }

    record Started(StashSinkTask task, FakeSinkTaskContext context) {
    }

    /** The sink connector's group in this JVM, while a task of the fixture runs. */
    SinkGroup group() {
        String groupId = SinkGroups.groupIdOf(CONNECTOR, props);
        return SinkGroups.jvm().groups().stream().filter(g -> g.groupId().equals(groupId)).findFirst().orElseThrow();
    }

    /** The stash, shared with the tasks through the registry. */
    Stash stash() {
        if (reader == null) {
            reader = StashRegistry.jvm().acquire(stashPath(), StashOptions.defaults());
        }
        return reader.stash();
    }

    /** A batch read back from the stash. */
    record ReadBatch(BatchMetadata metadata, List<StashRecord> records) {
    }

    /**
     * Drains every loadable batch, as a source task would, and groups the records by batch. Records an offset commit
     * held back are let through first, as the worker's next {@code put()} lets them.
     */
    List<ReadBatch> claimAll() {
        SinkGroups.jvm().groups().stream().filter(g -> g.ownership() != null)
            .forEach(g -> g.ownership().unsettle());
        if (drainer == null) {
            drainer = TestDrainer.active(stash());
        }
        Map<Long, ReadBatch> batches = new LinkedHashMap<>();
        for (TestDrainer.Emitted e : drainer.drainAll()) {
            batches.computeIfAbsent(e.batch().id(), id -> new ReadBatch(e.batch(), new ArrayList<>()))
                .records().add(e.record().record());
        }
        return new ArrayList<>(batches.values());
    }

    /** Acknowledges every record of {@code batches}, as Kafka would, which deletes them. */
    void acknowledge(Collection<ReadBatch> batches) {
        for (ReadBatch batch : batches) {
            for (int i = 0; i < batch.records().size(); i++) {
                drainer.drainer().acknowledged(batch.metadata().id(), false);
            }
        }
        drainer.drainer().deleteAcknowledged();
    }

    static List<StashRecord> records(List<ReadBatch> batches) {
        List<StashRecord> all = new ArrayList<>();
        batches.forEach(b -> all.addAll(b.records()));
        return all;
    }

    /** "topic-partition@offset" of each record, for readable assertions. */
    static List<String> positions(List<StashRecord> records) {
        return records.stream().map(r -> r.topic() + "-" + r.partition() + "@" + r.offset()).toList();
    }

    /** A ByteArrayConverter-style record: optional bytes key and value, a timestamp. */
    static SinkRecord bytesRecord(String topic, int partition, long offset, String key, String value) {
        return new SinkRecord(topic, partition, Schema.OPTIONAL_BYTES_SCHEMA, bytes(key), Schema.OPTIONAL_BYTES_SCHEMA,
            bytes(value), offset, 1_700_000_000_000L + offset, TimestampType.CREATE_TIME, new ConnectHeaders());
    }

    static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    @Override
    public void close() {
        for (StashSinkTask task : tasks) {
            task.stop();
        }
        if (drainer != null) {
            drainer.drainer().stop();
        }
        if (reader != null) {
            reader.close();
        }
    }
}
