package io.durastash.integration;

import io.durastash.stash.StashLease;
import io.durastash.stash.StashOptions;
import io.durastash.stash.StashRegistry;
import io.durastash.stash.StashStats;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A DuraStash pair under test: the sink and source connector configs naming one stash, and a look into
 * that stash. The embedded workers run in this JVM with the connectors on the classpath, so the test
 * shares their stash registry and sees the very handle the tasks use.
 */
final class Pipeline {
    static final String SINK = "io.durastash.sink.StashSinkConnector";
    static final String SOURCE = "io.durastash.source.StashSourceConnector";

    private final String name;
    private final Path stashDir;

    Pipeline(String name, Path stashDir) {
        this.name = name;
        this.stashDir = stashDir;
    }

    String sinkName() {
        return name + "-sink";
    }

    String sourceName() {
        return name + "-source";
    }

    /** The stash directory the pair shares: stash.dir/stash.name. */
    Path stashPath() {
        return stashDir.resolve(name);
    }

    Map<String, String> sinkConfig(String topics, int tasks) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", SINK);
        config.put("tasks.max", String.valueOf(tasks));
        config.put("topics", topics);
        config.put("stash.dir", stashDir.toString());
        config.put("stash.name", name);
        return config;
    }

    /** Emits each input topic's records to {@code <input topic>.out}, keeping the input partition. */
    Map<String, String> sourceConfig(int tasks) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", SOURCE);
        config.put("tasks.max", String.valueOf(tasks));
        config.put("topic", "${topic}.out");
        config.put("stash.dir", stashDir.toString());
        config.put("stash.name", name);
        config.put("poll.wait.ms", "100");
        return config;
    }

    static String out(String inputTopic) {
        return inputTopic + ".out";
    }

    /** Waits until the stash holds nothing: every batch emitted, acknowledged and deleted. */
    StashStats awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (StashLease lease = StashRegistry.jvm().acquire(stashPath(), StashOptions.defaults())) {
            StashStats stats = lease.stash().stats();
            while (stats.liveRecords() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                stats = lease.stash().stats();
            }
            return stats;
        }
    }

    /**
     * Where the records are, for a failure message: the stash's counters, and the sink's committed offsets
     * against the input topics' end offsets.
     */
    String diagnose(org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster kafka) {
        StringBuilder text = new StringBuilder("stash ").append(stats());
        try (org.apache.kafka.clients.admin.Admin admin = kafka.createAdminClient()) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets("connect-" + sinkName()).partitionsToOffsetAndMetadata()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            for (org.apache.kafka.common.TopicPartition tp : committed.keySet()) {
                latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
            committed.forEach((tp, offset) -> text.append("\n  sink committed ").append(tp).append(" = ")
                .append(offset.offset()).append(" of ").append(ends.get(tp).offset()));
        } catch (Exception e) {
            text.append("\n  (sink offsets unavailable: ").append(e).append(')');
        }
        return text.toString();
    }

    /** The stash's counters now. */
    StashStats stats() {
        try (StashLease lease = StashRegistry.jvm().acquire(stashPath(), StashOptions.defaults())) {
            return lease.stash().stats();
        }
    }
}
