package io.durastash.stash;

import io.durastash.stash.model.DeliveryGate;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The gate of a stash that no sink task in this worker speaks for (the worker restarted and Connect placed its sink
 * tasks elsewhere, or they have not started yet). Records wait for {@link #GRACE_MS}, the time a sink task takes to
 * start and be assigned its partitions; after that, when every sink connector that wrote the stash commits input
 * offsets only once records are delivered (so whatever this stash holds undelivered is consumed again by the
 * partitions' owners), they are superseded, and each partition's run ends so that no later assignment continues it.
 * When a sink connector wrote the stash with {@code input.commit=stashed}, or none ever said how it commits, the stash
 * may hold the only copy, and every record is delivered. Thread-safe.
 */
final class UnclaimedGate implements DeliveryGate {
    private static final Logger log = LoggerFactory.getLogger(UnclaimedGate.class);
    /** How long records wait for a sink task to claim the stash. */
    static final long GRACE_MS = 60_000;
    /** The one commit mode in which the stash may hold the only copy of what it holds undelivered. */
    static final String ONLY_COPY_MODE = "stashed";

    private final Path path;
    private final Supplier<Map<String, String>> sinkModes;
    private final BiConsumer<String, TopicPartition> endRun;
    private final Clock clock;
    private final long since;
    private final Set<TopicPartition> ended = new HashSet<>();
    private Boolean supersedable;

    /**
     * @param sinkModes the input commit mode of each sink connector that wrote the stash, by name
     * @param endRun    ends the current run of an input partition for a sink connector
     */
    UnclaimedGate(Path path, Supplier<Map<String, String>> sinkModes, BiConsumer<String, TopicPartition> endRun,
                  Clock clock) {
        this.path = path;
        this.sinkModes = sinkModes;
        this.endRun = endRun;
        this.clock = clock;
        this.since = clock.millis();
    }

    @Override
    public synchronized Verdict verdict(TopicPartition partition, long batchId, long offset) {
        if (!supersedable()) {
            return Verdict.DELIVER;
        }
        if (clock.millis() - since < GRACE_MS) {
            return Verdict.WAIT;
        }
        if (ended.add(partition)) {
            for (String sink : sinkModes.get().keySet()) {
                endRun.accept(sink, partition);
            }
            log.info("Stash {}: no sink task in this worker has claimed input partition {} for {} s; its records here "
                + "are not delivered from this stash: the partition's owner consumes them again", path,
                partition, GRACE_MS / 1000);
        }
        return Verdict.SUPERSEDED;
    }

    private boolean supersedable() {
        if (supersedable == null) {
            Map<String, String> modes = sinkModes.get();
            supersedable = !modes.isEmpty() && !modes.containsValue(ONLY_COPY_MODE);
        }
        return supersedable;
    }
}
