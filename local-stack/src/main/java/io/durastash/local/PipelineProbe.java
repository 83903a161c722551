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
 *   <li>stashed: the offsets the sink's consumer group has committed on the input topics (minus the start
 *       offsets). The sink lets Connect commit an offset only once every record before it is durable in the stash,
 *       so this is a lower bound of what is stashed; it lags by up to the worker's offset.flush.interval.ms;</li>
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
    private final String sinkGroup;
    private final String sourceConnector;
    private final WorkerMetrics metrics;

    PipelineProbe(KafkaCluster cluster, List<TopicPartition> input, List<TopicPartition> output, String sinkGroup,
                  String sourceConnector, WorkerMetrics metrics) {
        this.cluster = cluster;
        this.input = input;
        this.output = output;
        this.sinkGroup = sinkGroup;
        this.sourceConnector = sourceConnector;
        this.metrics = metrics;
    }

    PipelineCounts sample() {
        Map<TopicPartition, Long> inStart = cluster.startOffsets(input);
        Map<TopicPartition, Long> inEnd = cluster.endOffsets(input);
        Map<TopicPartition, Long> committed = cluster.committed(sinkGroup, input);
        Map<TopicPartition, Long> outStart = cluster.startOffsets(output);
        Map<TopicPartition, Long> outEnd = cluster.endOffsets(output);
        long in = 0;
        long stashed = 0;
        for (TopicPartition tp : input) {
            long start = inStart.getOrDefault(tp, 0L);
            in += inEnd.getOrDefault(tp, start) - start;
            stashed += Math.max(committed.getOrDefault(tp, start), start) - start;
        }
        long emitted = 0;
        for (TopicPartition tp : output) {
            long start = outStart.getOrDefault(tp, 0L);
            emitted += outEnd.getOrDefault(tp, start) - start;
        }
        long acked = (long) metrics.sum("kafka.connect:type=source-task-metrics,connector=" + sourceConnector + ",task=*",
            "source-record-write-total");
        return new PipelineCounts(in, stashed, emitted, acked);
    }
}
