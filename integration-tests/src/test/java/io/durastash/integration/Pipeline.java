package io.durastash.integration;

import io.durastash.stash.StashRegistry;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashStats;
import io.durastash.testkit.Deadline;
import io.durastash.testkit.KafkaCluster;
import io.durastash.testkit.connect.Pair;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A DuraStash pair under test in this JVM: config/local's sink and source as {@code <name>-sink} and
 * {@code <name>-source} on the stash {@code <stash dir>/<name>}, each input topic's records emitted to
 * {@code <input topic>.out}; and a look into that stash. The embedded workers run in this JVM with the connectors on
 * the classpath, so the test shares their stash registry and sees the very handle the tasks use.
 */
record Pipeline(Pair pair, Path stashPath) {

    /** The pair on {@code stashDir/name}, the sink reading {@code topics} (comma-separated). */
    static Pipeline of(String name, Path stashDir, String topics) {
        return new Pipeline(Pair.local().named(name).stash(stashDir, name).topics(topics, "${topic}.out")
            .withSource("poll.wait.ms", "100"), stashDir.resolve(name));
    }

    /** The same pipeline with {@code change} made to its connector configs. */
    Pipeline with(UnaryOperator<Pair> change) {
        return new Pipeline(change.apply(pair), stashPath);
    }

    String sinkName() {
        return pair.sink().name();
    }

    String sourceName() {
        return pair.source().name();
    }

    static String out(String inputTopic) {
        return inputTopic + ".out";
    }

    /** Waits until the stash holds nothing: every batch emitted, acknowledged and deleted. */
    StashStats awaitEmpty(Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        try (StashRegistry.Lease lease = StashRegistry.jvm().acquire(stashPath, StashOptions.defaults())) {
            StashStats stats = lease.stash().stats();
            while (stats.liveRecords() > 0 && !deadline.passed()) {
                Deadline.pause(100);
                stats = lease.stash().stats();
            }
            return stats;
        }
    }

    /** The stash's counters now. */
    StashStats stats() {
        try (StashRegistry.Lease lease = StashRegistry.jvm().acquire(stashPath, StashOptions.defaults())) {
            return lease.stash().stats();
        }
    }

    /**
     * Where the records are, for a failure message: the stash's counters, and the sink's committed offsets against
     * the input topics' end offsets.
     */
    String diagnose(KafkaCluster kafka) {
        StringBuilder text = new StringBuilder("stash ").append(stats());
        try {
            List<TopicPartition> input = new ArrayList<>();
            pair.sink().inputTopics().forEach(topic -> input.addAll(kafka.partitions(topic)));
            Map<TopicPartition, Long> committed = kafka.committed(pair.sink().sinkGroup(), input);
            Map<TopicPartition, Long> ends = kafka.endOffsets(input);
            input.forEach(tp -> text.append("\n  sink committed ").append(tp).append(" = ")
                .append(committed.getOrDefault(tp, -1L)).append(" of ").append(ends.get(tp)));
        } catch (RuntimeException e) {
            text.append("\n  (sink offsets unavailable: ").append(e).append(')');
        }
        return text.toString();
    }
}
