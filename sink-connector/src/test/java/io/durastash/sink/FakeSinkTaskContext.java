package io.durastash.sink;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.IllegalWorkerStateException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** A SinkTaskContext that records what the task asks of the worker, and rejects what the worker would reject. */
final class FakeSinkTaskContext implements SinkTaskContext {
    private final Map<String, String> configs;
    private final ErrantRecordReporter reporter;
    final Set<TopicPartition> assignment = new LinkedHashSet<>();
    final Set<TopicPartition> paused = new LinkedHashSet<>();
    final Map<TopicPartition, Long> offsets = new HashMap<>();
    /** What pluginMetrics() returns; null as on a runtime that offers none. */
    PluginMetrics pluginMetrics;
    /** When set, pluginMetrics() throws it, as a runtime that predates the method does. */
    Error pluginMetricsError;
    long timeoutMs = -1;
    int pauseCalls;
    int resumeCalls;

    FakeSinkTaskContext(Map<String, String> configs, ErrantRecordReporter reporter) {
        this.configs = configs;
        this.reporter = reporter;
    }

    void assign(Collection<TopicPartition> partitions) {
        assignment.addAll(partitions);
    }

    /**
     * What the worker does in an eager rebalance that gives the task {@code partitions} back: every partition is
     * closed, the new assignment is opened, and the worker pauses again those the task had paused.
     */
    void rebalanceEagerly(SinkTask task, Collection<TopicPartition> partitions) {
        task.close(Set.copyOf(assignment));
        assignment.clear();
        assignment.addAll(partitions);
        paused.retainAll(assignment);
        task.open(partitions);
    }

    /** What the worker does on a cooperative revocation: the partitions go, with their pause state. */
    void revoke(Collection<TopicPartition> partitions) {
        assignment.removeAll(partitions);
        paused.removeAll(partitions);
    }

    /** Returns and clears the timeout, as the worker does on every poll. */
    long takeTimeout() {
        long t = timeoutMs;
        timeoutMs = -1;
        return t;
    }

    @Override
    public Map<String, String> configs() {
        return configs;
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
        this.offsets.putAll(offsets);
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
        offsets.put(tp, offset);
    }

    @Override
    public void timeout(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Set.copyOf(assignment);
    }

    @Override
    public void pause(TopicPartition... partitions) {
        requireAssigned(partitions);
        pauseCalls++;
        paused.addAll(Arrays.asList(partitions));
    }

    @Override
    public void resume(TopicPartition... partitions) {
        requireAssigned(partitions);
        resumeCalls++;
        paused.removeAll(Arrays.asList(partitions));
    }

    private void requireAssigned(TopicPartition... partitions) {
        for (TopicPartition partition : partitions) {
            if (!assignment.contains(partition)) {
                throw new IllegalWorkerStateException("SinkTasks may not pause or resume partitions that are not "
                    + "currently assigned to them: " + partition);
            }
        }
    }

    @Override
    public void requestCommit() {
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        return reporter;
    }

    @Override
    public PluginMetrics pluginMetrics() {
        if (pluginMetricsError != null) {
            throw pluginMetricsError;
        }
        return pluginMetrics;
    }
}
