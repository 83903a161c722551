package io.durastash.bench;

import io.durastash.stash.StashRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One way of copying an input topic into an output topic on the same broker, as the connectors that do it:
 * the DuraStash pair (sink and source on one stash) or MirrorMaker 2's {@code MirrorSourceConnector}.
 * Both get ByteArrayConverter (the worker's) for key, value and headers, and the same task count.
 */
final class Pipeline {
    static final String SINK = "io.durastash.sink.StashSinkConnector";
    static final String SOURCE = "io.durastash.source.StashSourceConnector";
    static final String MIRROR_SOURCE = "org.apache.kafka.connect.mirror.MirrorSourceConnector";

    private final String label;
    private final String outputTopic;
    private final Map<String, Map<String, String>> connectors;
    private final int tasks;
    private final Path stashPath;

    private Pipeline(String label, String outputTopic, Map<String, Map<String, String>> connectors, int tasks,
                     Path stashPath) {
        this.label = label;
        this.outputTopic = outputTopic;
        this.connectors = connectors;
        this.tasks = tasks;
        this.stashPath = stashPath;
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
        Map<String, Map<String, String>> connectors = new LinkedHashMap<>();
        connectors.put("mirror-" + id, config);
        return new Pipeline("MM2", alias + "." + inputTopic, connectors, tasks, null);
    }

    /**
     * The DuraStash pair on one stash under {@code stashDir}: the sink reads {@code inputTopic}, the source writes
     * {@code outputTopic}, keeping input partitions.
     *
     * @param sinkTuning   overrides for the sink (e.g. {@code consumer.override.max.poll.records})
     * @param sourceTuning overrides for the source (e.g. {@code poll.max.records}, {@code producer.override.*})
     */
    static Pipeline stashPair(String id, String inputTopic, String outputTopic, Path stashDir, int tasks, boolean sync,
                              long memoryBytes, Map<String, String> sinkTuning, Map<String, String> sourceTuning) {
        String stashName = "stash-" + id;
        Map<String, String> sink = new LinkedHashMap<>();
        sink.put("connector.class", SINK);
        sink.put("tasks.max", String.valueOf(tasks));
        sink.put("topics", inputTopic);
        sink.put("stash.dir", stashDir.toString());
        sink.put("stash.name", stashName);
        sink.put("stash.sync", String.valueOf(sync));
        sink.put("stash.memory.bytes", String.valueOf(memoryBytes));
        sink.putAll(sinkTuning);
        Map<String, String> source = new LinkedHashMap<>();
        source.put("connector.class", SOURCE);
        source.put("tasks.max", String.valueOf(tasks));
        source.put("topic", outputTopic);
        source.put("stash.dir", stashDir.toString());
        source.put("stash.name", stashName);
        source.put("stash.memory.bytes", String.valueOf(memoryBytes));
        source.putAll(sourceTuning);
        Map<String, Map<String, String>> connectors = new LinkedHashMap<>();
        connectors.put("stash-sink-" + id, sink);
        connectors.put("stash-source-" + id, source);
        return new Pipeline(sync ? "pair" : "pair (stash.sync=false)", outputTopic, connectors, tasks,
            stashDir.resolve(stashName));
    }

    String label() {
        return label;
    }

    String outputTopic() {
        return outputTopic;
    }

    Map<String, Map<String, String>> connectors() {
        return connectors;
    }

    /** The pair's stash directory; null for MirrorMaker. */
    Path stashPath() {
        return stashPath;
    }

    /** Creates the connectors; returns at once (the tasks start in the background). */
    void start(BenchCluster cluster) {
        connectors.forEach(cluster::startConnector);
    }

    void awaitRunning(BenchCluster cluster) throws InterruptedException {
        for (String name : connectors.keySet()) {
            cluster.awaitRunning(name, tasks);
        }
    }

    void checkNotFailed(BenchCluster cluster) {
        connectors.keySet().forEach(cluster::checkNotFailed);
    }

    /** Deletes the connectors and, once every task released it, the stash. */
    void delete(BenchCluster cluster) throws InterruptedException {
        for (String name : connectors.keySet()) {
            cluster.deleteConnector(name);
        }
        if (stashPath != null) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (StashRegistry.jvm().holders(stashPath) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Stash " + stashPath + " still held 60 s after its connectors were "
                        + "deleted");
                }
                Thread.sleep(100);
            }
            deleteRecursively(stashPath);
        }
    }

    static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return label + " " + connectors;
    }
}
