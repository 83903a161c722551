package io.durastash.sink;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The last input offset stashed per partition this task owns: the mirror of what the stash holds for the
 * connector, used to skip records redelivered after a crash and to say which offsets are safe to commit.
 */
public final class StashedOffsets {
    private final Set<TopicPartition> tracked = new HashSet<>();
    private final Map<TopicPartition, Long> last = new HashMap<>();

    /** Starts tracking {@code partitions}, seeded from what the stash holds ({@code stored} may name others). */
    public void track(Collection<TopicPartition> partitions, Map<TopicPartition, Long> stored) {
        for (TopicPartition partition : partitions) {
            tracked.add(partition);
            Long offset = stored.get(partition);
            if (offset == null) {
                last.remove(partition);
            } else {
                last.put(partition, offset);
            }
        }
    }

    /** Of {@code partitions}, those not tracked yet. */
    public Set<TopicPartition> untracked(Collection<TopicPartition> partitions) {
        Set<TopicPartition> missing = new HashSet<>();
        for (TopicPartition partition : partitions) {
            if (!tracked.contains(partition)) {
                missing.add(partition);
            }
        }
        return missing;
    }

    public void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            tracked.remove(partition);
            last.remove(partition);
        }
    }

    /** The last offset stashed from {@code partition}, or null when none is: records up to it are redeliveries. */
    public Long lastStashed(TopicPartition partition) {
        return last.get(partition);
    }

    /** Records what a successful append made durable. */
    public void advance(Map<TopicPartition, Long> handled) {
        for (Map.Entry<TopicPartition, Long> e : handled.entrySet()) {
            tracked.add(e.getKey());
            last.merge(e.getKey(), e.getValue(), Math::max);
        }
    }

    /**
     * The offsets Connect may commit: per partition of {@code current}, the one after the last stashed record,
     * but never past the consumer's position (after a restart the stash may be ahead of the consumer until the
     * redelivered records have been skipped; the worker would reject an offset it has not consumed yet).
     * Partitions with nothing stashed are left out.
     */
    public Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> current) {
        Map<TopicPartition, OffsetAndMetadata> committable = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : current.entrySet()) {
            Long stashed = last.get(e.getKey());
            if (stashed != null) {
                long next = stashed + 1;
                committable.put(e.getKey(), new OffsetAndMetadata(e.getValue() == null ? next : Math.min(next, e.getValue().offset())));
            }
        }
        return committable;
    }
}
