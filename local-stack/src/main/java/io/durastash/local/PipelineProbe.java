package io.durastash.local;

import io.durastash.testkit.KafkaCluster;
import io.durastash.testkit.connect.WorkerMetrics;
import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.Map;

/**
 * Samples {@link PipelineCounts} from what Kafka and Connect report, never from the launcher's own bookkeeping:
 * <ul>
 *   <li>in: records in the input topics, the sum of their end offsets minus their start offsets;</li>
 *   <li>stashed: what reached the stash: the records in the output topics (below) and those the stash holds not
 *       yet handed out, its {@code stash-pending-records} gauge over JMX (before the connectors run, what the stash
 *       tool reads on disk); never more than {@code in} ({@link PipelineCounts#of});</li>
 *   <li>emitted: records in the output topics (end minus start offsets), including any that a restart delivered a
 *       second time;</li>
 *   <li>acked: Connect's {@code source-record-write-total} for the source connector: records Kafka acknowledged,
 *       for which Connect called the task's {@code commitRecord} (it counts a poll's records once all of them are
 *       acknowledged), since the worker started; -1 when the worker's metrics cannot be read.</li>
 * </ul>
 */
final class PipelineProbe {
    private final KafkaCluster cluster;
    private final List<TopicPartition> input;
    private final List<TopicPartition> output;
    private final String sinkConnector;
    private final String sourceConnector;
    private final WorkerMetrics metrics;

    PipelineProbe(KafkaCluster cluster, List<TopicPartition> input, List<TopicPartition> output, String sinkConnector,
                  String sourceConnector, WorkerMetrics metrics) {
        this.cluster = cluster;
        this.input = input;
        this.output = output;
        this.sinkConnector = sinkConnector;
        this.sourceConnector = sourceConnector;
        this.metrics = metrics;
    }

    /** The counts now, with what the sink's stash holds not yet handed out as its gauge says. */
    PipelineCounts sample() {
        String stash = WorkerMetrics.pluginMetrics(sinkConnector);
        return sample((long) Math.max(0, metrics.max(stash, "stash-pending-records")));
    }

    /** The counts now, with {@code pending} records in the stash not yet handed out. */
    PipelineCounts sample(long pending) {
        Map<TopicPartition, Long> inStart = cluster.startOffsets(input);
        Map<TopicPartition, Long> inEnd = cluster.endOffsets(input);
        Map<TopicPartition, Long> outStart = cluster.startOffsets(output);
        Map<TopicPartition, Long> outEnd = cluster.endOffsets(output);
        long in = 0;
        for (TopicPartition tp : input) {
            long start = inStart.getOrDefault(tp, 0L);
            in += inEnd.getOrDefault(tp, start) - start;
        }
        long emitted = 0;
        for (TopicPartition tp : output) {
            long start = outStart.getOrDefault(tp, 0L);
            emitted += outEnd.getOrDefault(tp, start) - start;
        }
        long acked = (long) metrics.sum("kafka.connect:type=source-task-metrics,connector=" + sourceConnector + ",task=*",
            "source-record-write-total");
        return PipelineCounts.of(in, emitted, pending, acked);
    }
}
