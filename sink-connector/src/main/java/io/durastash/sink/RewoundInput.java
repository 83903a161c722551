package io.durastash.sink;

import io.durastash.sink.placement.InputLookup;
import io.durastash.stash.Stash;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Finds, as partitions are assigned, those whose input went back below what the stash holds of it: a topic deleted
 * and created again under its name (its id changed; its offsets start over), or an offset reset that did not go
 * through this stash (Connect runs the sink's {@code alterOffsets} on one worker; other tools none): the group's
 * committed offset is gone although this stash let Connect commit one, or it lacks the sink's own commit metadata.
 * Their stashed offsets are forgotten, so that their records are stashed again instead of being skipped as
 * redeliveries. Without a lookup ({@link InputLookup#NONE}) a reset is judged by the offsets alone.
 */
final class RewoundInput {
    private static final Logger log = LoggerFactory.getLogger(RewoundInput.class);

    private final Stash stash;
    private final String sinkName;
    private final InputOffsets offsets;
    private final Supplier<InputLookup> lookup;

    RewoundInput(Stash stash, String sinkName, InputOffsets offsets, Supplier<InputLookup> lookup) {
        this.stash = stash;
        this.sinkName = sinkName;
        this.offsets = offsets;
        this.lookup = lookup;
    }

    /** Forgets the stashed offsets of those of the newly assigned (and opened) {@code partitions} that went back. */
    void check(Collection<TopicPartition> partitions) {
        InputLookup input = lookup.get();
        Map<TopicPartition, String> rewound = recreated(input, partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = input.committed(partitions);
        if (committed != null) {
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                if (offset == null && offsets.hasCommitted(partition)) {
                    rewound.putIfAbsent(partition, "its committed offset was deleted (an offset reset)");
                } else if (offset != null && !InputOffsets.COMMIT_METADATA.equals(offset.metadata())) {
                    rewound.putIfAbsent(partition, "its committed offset was set to " + offset.offset()
                        + " by another client (an offset reset)");
                }
            }
        }
        Map<TopicPartition, Long> forgotten = new HashMap<>();
        rewound.forEach((partition, why) -> {
            if (offsets.lastStashed(partition) != null) {
                forgotten.put(partition, null);
                log.info("Input partition {}: {}; stash {} forgets what it stashed of it, and stashes its records again "
                    + "from where the consumer now starts", partition, why, stash.path());
            }
            offsets.forget(partition);
        });
        if (!forgotten.isEmpty()) {
            stash.resetStashedOffsets(sinkName, forgotten);
        }
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
        Map<TopicPartition, String> noted = stash.inputTopicIds(sinkName);
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
        stash.noteInputTopicIds(sinkName, changed);
        return recreated;
    }
}
