package io.durastash.sink;

import io.durastash.stash.model.EncodedRecord;
import io.durastash.stash.model.NewBatch;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Splits one poll into stash batches by group while keeping each input partition's order.
 *
 * <p>Batches are drained in id order, which is their order in the append. A record joins the latest batch of its
 * group only if that batch does not come before the batch holding the previous record of its partition
 * (interleaved header values: a, b, a). Where it would, the group starts a new batch at the end, so the a-records
 * after the b-record land in a later batch. Grouping by topic or not at all never does this: a partition always
 * maps to one group.
 *
 * <p>Records of a poll come in runs of one partition. A record of the same group and the same partition instance
 * as the one added just before joins that record's batch, which is where the rule above puts it, without the map
 * lookups; the run's highest offset is folded into the offsets when the run ends.
 */
public final class PollBatches {
    private final List<String> groups = new ArrayList<>();
    private final List<List<EncodedRecord>> batches = new ArrayList<>();
    private final Map<String, Integer> latestBatchOfGroup = new HashMap<>();
    private final Map<TopicPartition, Integer> lastBatchOfPartition = new HashMap<>();
    private final Map<TopicPartition, Long> offsets = new LinkedHashMap<>();

    /** The run the last {@link #add} started or continued; {@code runPartition} is null when none is open. */
    private TopicPartition runPartition;
    private String runGroup;
    private List<EncodedRecord> runBatch;
    private long runOffset;

    /** Adds the next record of the poll, in input order, to {@code group}. */
    public void add(String group, EncodedRecord record) {
        TopicPartition partition = record.source();
        if (partition == runPartition && Objects.equals(group, runGroup)) {
            runBatch.add(record);
            runOffset = Math.max(runOffset, record.offset());
            return;
        }
        endRun();
        Integer index = latestBatchOfGroup.get(group);
        Integer previous = lastBatchOfPartition.get(partition);
        if (index == null || (previous != null && index < previous)) {
            index = batches.size();
            groups.add(group);
            batches.add(new ArrayList<>());
            latestBatchOfGroup.put(group, index);
        }
        List<EncodedRecord> batch = batches.get(index);
        batch.add(record);
        lastBatchOfPartition.put(partition, index);
        // In the offsets from its first record on, so that isEmpty() need not look at the run.
        offsets.merge(partition, record.offset(), Math::max);
        runPartition = partition;
        runGroup = group;
        runBatch = batch;
        runOffset = record.offset();
    }

    /** Marks a record as handled without stashing it (it went to the errant record reporter). */
    public void handled(TopicPartition partition, long offset) {
        endRun();
        offsets.merge(partition, offset, Math::max);
    }

    /** Whether the poll handled nothing, so there is nothing to append. */
    public boolean isEmpty() {
        return offsets.isEmpty();
    }

    /** The one atomic append of this poll. */
    public StashAppend append() {
        endRun();
        List<NewBatch> contents = new ArrayList<>(batches.size());
        for (int i = 0; i < batches.size(); i++) {
            contents.add(new NewBatch(groups.get(i), batches.get(i)));
        }
        return new StashAppend(contents, offsets);
    }

    private void endRun() {
        if (runPartition != null) {
            offsets.merge(runPartition, runOffset, Math::max);
            runPartition = null;
            runGroup = null;
            runBatch = null;
        }
    }
}
