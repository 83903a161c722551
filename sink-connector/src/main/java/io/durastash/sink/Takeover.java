package io.durastash.sink;

import io.durastash.sink.placement.InputLookup;
import io.durastash.stash.SinkLedger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides, as partitions are assigned to a sink task, whether the stash takes each one up where its last run here
 * ended or starts a new run. The committed offset decides (read as the consumer reads it, after any transaction that
 * commits it has ended): the run continues when the offset carries the sink's own metadata and lies within what the
 * run stashed, so that redeliveries are skipped and the records the stash still holds are delivered from here.
 * Otherwise a new run starts and the stash's earlier records of the partition are never delivered from here: the
 * topic was deleted and created again under its name (its id changed; its offsets start over), the offsets were reset
 * (the committed offset is gone, or lacks the sink's metadata), or the partition was consumed further elsewhere
 * meanwhile. With {@code input.commit=stashed} the stash may hold the only copy of what it stashed, so only a changed
 * topic id or an offset reset starts a new run. Without a lookup ({@link InputLookup#NONE}) every assignment in a
 * mode whose input keeps what is undelivered starts a new run: safe, at the cost of consuming the stash's backlog again.
 */
final class Takeover {
    private static final Logger log = LoggerFactory.getLogger(Takeover.class);

    private final SinkLedger ledger;
    private final CommitMode mode;
    private final Supplier<InputLookup> lookup;

    Takeover(SinkLedger ledger, CommitMode mode, Supplier<InputLookup> lookup) {
        this.ledger = ledger;
        this.mode = mode;
        this.lookup = lookup;
    }

    /** Where the stash takes up each of {@code partitions}; starts the new runs in the ledger. */
    Map<TopicPartition, InputOffsets.Run> take(Collection<TopicPartition> partitions) {
        InputLookup input = lookup.get();
        Map<TopicPartition, String> newRun = recreated(input, partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = input.committed(partitions);
        Map<TopicPartition, Long> stashed = ledger.stashedOffsets();
        Map<TopicPartition, Long> runStarts = ledger.runStarts();
        for (TopicPartition partition : partitions) {
            Long last = stashed.get(partition);
            if (newRun.containsKey(partition) || last == null) {
                continue;
            }
            String why = endsRun(committed, partition, last);
            if (why != null) {
                newRun.put(partition, why);
            }
        }
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            if (newRun.containsKey(partition) || stashed.get(partition) == null) {
                fresh.add(partition);
            }
        }
        long first = fresh.isEmpty() ? 0 : ledger.startRuns(fresh);
        Map<TopicPartition, InputOffsets.Run> runs = new LinkedHashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed == null ? null : committed.get(partition);
            long floor = offset == null ? -1 : offset.offset();
            if (fresh.contains(partition)) {
                String why = newRun.get(partition);
                if (why != null && stashed.get(partition) != null) {
                    log.info("Input partition {}: {}; stash {} starts a new run of it at batch {}: what it holds of it "
                        + "from before is not delivered from here, and its records are stashed again from where the "
                        + "consumer starts", partition, why, ledger.sinkName(), first);
                }
                runs.put(partition, new InputOffsets.Run(first, floor, null));
            } else {
                runs.put(partition, new InputOffsets.Run(runStarts.getOrDefault(partition, 0L), floor,
                    stashed.get(partition)));
            }
        }
        return runs;
    }

    /** Why a run that stashed up to {@code last} cannot continue at the committed offset; null when it can. */
    private String endsRun(Map<TopicPartition, OffsetAndMetadata> committed, TopicPartition partition, long last) {
        if (committed == null) {
            return mode.inputKeepsUndelivered() ? "its committed offset could not be read" : null;
        }
        OffsetAndMetadata offset = committed.get(partition);
        if (offset == null) {
            return mode.inputKeepsUndelivered() ? "it has no committed offset (an offset reset, or none was committed)"
                : null;
        }
        if (!InputOffsets.COMMIT_METADATA.equals(offset.metadata())) {
            return "its committed offset was set to " + offset.offset() + " by another client (an offset reset)";
        }
        if (mode.inputKeepsUndelivered() && offset.offset() > last + 1) {
            return "it was consumed to offset " + offset.offset() + " elsewhere, past what this stash holds of it ("
                + last + ")";
        }
        return null;
    }

    /** The partitions of topics created again since the stash last noted their ids; notes the ids it sees now. */
    private Map<TopicPartition, String> recreated(InputLookup input, Collection<TopicPartition> partitions) {
        Set<String> topics = new HashSet<>();
        partitions.forEach(tp -> topics.add(tp.topic()));
        Map<String, String> current = input.topicIds(topics);
        Map<TopicPartition, String> recreated = new HashMap<>();
        if (current.isEmpty()) {
            return recreated;
        }
        Map<TopicPartition, String> noted = ledger.inputTopicIds();
        Map<TopicPartition, String> changed = new HashMap<>();
        for (TopicPartition partition : partitions) {
            String id = current.get(partition.topic());
            String before = noted.get(partition);
            if (id != null && !id.equals(before)) {
                changed.put(partition, id);
                if (before != null) {
                    recreated.put(partition, "its topic was deleted and created again (topic id " + before + ", now "
                        + id + ")");
                }
            }
        }
        ledger.noteInputTopicIds(changed);
        return recreated;
    }
}
