package io.durastash.sink;

import io.durastash.stash.model.NewBatch;
import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.Map;

/**
 * One atomic {@link io.durastash.stash.SinkLedger#append}: batches in batch order, and the highest input offset per
 * partition handled by them (including records handed to the errant record reporter).
 */
public record StashAppend(List<NewBatch> batches, Map<TopicPartition, Long> offsets) {
}
