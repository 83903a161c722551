package io.durastash.bench;

import io.durastash.bench.floor.HandOff;
import io.durastash.stash.StashRegistry;
import io.durastash.testkit.Deadline;
import io.durastash.testkit.Directories;
import io.durastash.testkit.connect.ConnectorConfig;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.embedded.EmbeddedStack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One way of copying an input topic into an output topic on the same broker, as the connectors that do it:
 * the DuraStash pair (sink and source on one stash), MirrorMaker 2's {@code MirrorSourceConnector}, or the Connect
 * floor (a sink and a source that pass records through memory, {@link io.durastash.bench.floor}).
 * All get ByteArrayConverter for key, value and headers, and the same task count.
 */
final class Pipeline implements Peer {
    static final String MIRROR_SOURCE = "org.apache.kafka.connect.mirror.MirrorSourceConnector";
    static final String FLOOR_SINK = "io.durastash.bench.floor.HandOffSinkConnector";
    static final String FLOOR_SOURCE = "io.durastash.bench.floor.HandOffSourceConnector";
    private static final String BYTE_ARRAY_CONVERTER = "org.apache.kafka.connect.converters.ByteArrayConverter";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String label;
    private final String outputTopic;
    private final List<ConnectorConfig> connectors;
    private final int tasks;
    private final Path stashPath;
    private final Runnable afterDelete;

    private Pipeline(String label, String outputTopic, List<ConnectorConfig> connectors, int tasks, Path stashPath,
                     Runnable afterDelete) {
        this.label = label;
        this.outputTopic = outputTopic;
        this.connectors = connectors;
        this.tasks = tasks;
        this.stashPath = stashPath;
        this.afterDelete = afterDelete;
    }

    /**
     * MirrorMaker 2 copying {@code inputTopic} within one cluster: source and target alias name the same
     * bootstrap, and the default replication policy renames the copy to {@code <alias>.<inputTopic>} (the identity
     * policy would copy the topic onto itself). No offset syncs, checkpoints, heartbeats, ACL or config syncing:
     * the peer does nothing but copy.
     *
     * @param tuning connector-level overrides (e.g. {@code producer.override.linger.ms},
     *               {@code source.consumer.max.poll.records}), applied on top
     */
    static Pipeline mirrorMaker(String id, String inputTopic, String bootstrap, int tasks, Map<String, String> tuning) {
        String alias = "mm" + id;
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", MIRROR_SOURCE);
        config.put("tasks.max", String.valueOf(tasks));
        config.put("source.cluster.alias", alias);
        config.put("target.cluster.alias", "target");
        config.put("source.cluster.bootstrap.servers", bootstrap);
        config.put("target.cluster.bootstrap.servers", bootstrap);
        config.put("topics", inputTopic);
        config.put("replication.factor", "1");
        config.put("emit.offset-syncs.enabled", "false");
        config.put("sync.topic.configs.enabled", "false");
        config.put("sync.topic.acls.enabled", "false");
        config.put("refresh.topics.enabled", "false");
        config.putAll(tuning);
        return new Pipeline("MM2", alias + "." + inputTopic, List.of(ConnectorConfig.of("mirror-" + id, config)), tasks,
            null, () -> { });
    }

    /**
     * The DuraStash pair of config/local on one stash under {@code stashDir}: the sink reads {@code inputTopic}, the
     * source writes {@code outputTopic}, keeping input partitions. Without config/local's poll size and stash bound:
     * the benchmark measures Connect's default poll and the engine's default bound, and docs/benchmarks.md's commands
     * add the example configs' 5,000-record polls to both peers with {@code --consumer.max.poll.records}.
     *
     * @param sinkTuning   overrides for the sink (e.g. {@code consumer.override.max.poll.records})
     * @param sourceTuning overrides for the source (e.g. {@code poll.max.records}, {@code producer.override.*})
     */
    static Pipeline stashPair(String id, String inputTopic, String outputTopic, Path stashDir, int tasks, boolean sync,
                              long memoryBytes, Map<String, String> sinkTuning, Map<String, String> sourceTuning) {
        String stashName = "stash-" + id;
        Pair pair = Pair.local().stash(stashDir, stashName).topics(inputTopic, outputTopic).tasks(tasks, tasks)
            .withSink("consumer.override.max.poll.records", null).withSink("stash.max.bytes", null)
            .withSink("stash.sync", String.valueOf(sync)).both("stash.memory.bytes", String.valueOf(memoryBytes));
        List<ConnectorConfig> connectors = List.of(pair.sink().named("stash-sink-" + id).with(sinkTuning),
            pair.source().named("stash-source-" + id).with(sourceTuning));
        return new Pipeline(sync ? "pair" : "pair (stash.sync=false)", outputTopic, connectors, tasks,
            stashDir.resolve(stashName), () -> { });
    }

    /**
     * The Connect floor: a sink that hands every poll's records to an in-memory hand-off named {@code floor-<id>}, and a
     * source in the same worker that emits them to {@code outputTopic} in their input partitions. Configured as the
     * pair is where a counterpart exists: converters, task counts, Connect's default sink poll, the source's
     * {@code poll.max.records}, and the same tuning maps (keys the floor does not know are ignored by Connect).
     */
    static Pipeline floor(String id, String inputTopic, String outputTopic, int tasks, Map<String, String> sinkTuning,
                          Map<String, String> sourceTuning) {
        String handOff = "floor-" + id;
        Map<String, String> sink = floorConfig(FLOOR_SINK, tasks, handOff);
        sink.put("topics", inputTopic);
        Map<String, String> source = floorConfig(FLOOR_SOURCE, tasks, handOff);
        source.put("topic", outputTopic);
        List<ConnectorConfig> connectors = List.of(ConnectorConfig.of("floor-sink-" + id, sink).with(sinkTuning),
            ConnectorConfig.of("floor-source-" + id, source).with(sourceTuning));
        return new Pipeline("floor", outputTopic, connectors, tasks, null,
            () -> HandOff.remove(handOff));
    }

    private static Map<String, String> floorConfig(String connectorClass, int tasks, String handOff) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", connectorClass);
        config.put("tasks.max", String.valueOf(tasks));
        config.put("hand-off.name", handOff);
        config.put("key.converter", BYTE_ARRAY_CONVERTER);
        config.put("value.converter", BYTE_ARRAY_CONVERTER);
        config.put("header.converter", BYTE_ARRAY_CONVERTER);
        return config;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public String outputTopic() {
        return outputTopic;
    }

    /** The connectors, the pair's sink first. */
    List<ConnectorConfig> connectors() {
        return connectors;
    }

    /** The pair's stash directory; null for MirrorMaker and the floor. */
    Path stashPath() {
        return stashPath;
    }

    /** Creates the connectors; returns at once (the tasks start in the background). */
    @Override
    public void start(EmbeddedStack stack) {
        connectors.forEach(stack.connectors()::deploy);
    }

    void awaitRunning(EmbeddedStack stack) {
        connectors.forEach(connector -> stack.connectors().awaitRunning(connector.name(), tasks, TIMEOUT));
    }

    @Override
    public void checkNotFailed(EmbeddedStack stack) {
        connectors.forEach(connector -> stack.connectors().requireNotFailed(connector.name()));
    }

    /** Deletes the connectors and, once every task released it, the stash (or the floor's hand-off). */
    @Override
    public void delete(EmbeddedStack stack) {
        connectors.forEach(connector -> stack.delete(connector.name()));
        afterDelete.run();
        if (stashPath != null) {
            Deadline deadline = Deadline.after(TIMEOUT);
            while (StashRegistry.jvm().holders(stashPath) > 0) {
                if (deadline.passed()) {
                    throw new IllegalStateException("Stash " + stashPath + " still held " + deadline.seconds() + " s after "
                        + "its connectors were deleted");
                }
                Deadline.pause(100);
            }
            Directories.delete(stashPath);
        }
    }

    @Override
    public String toString() {
        return label + " " + connectors;
    }
}
