package io.durastash.sink;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the stash's disk: above {@code stash.max.bytes} the task's partitions are paused, below the low-water mark
 * ({@code stash.resume.percent} of it) they are resumed. The gap keeps them from flapping. Pausing never drops
 * records: what the consumer already fetched is still stashed, the rest waits in Kafka.
 */
public final class Backpressure {
    private static final Logger log = LoggerFactory.getLogger(Backpressure.class);

    /** Partitions to pause and to resume now; both empty when nothing changes. */
    public record Decision(Set<TopicPartition> pause, Set<TopicPartition> resume) {
        static final Decision NONE = new Decision(Set.of(), Set.of());
    }

    private final String stash;
    private final long maxBytes;
    private final int resumePercent;
    private final long resumeBelowBytes;
    private final Set<TopicPartition> pausedPartitions = new LinkedHashSet<>();
    /** A stash that drains about as fast as it fills pauses every few seconds: warn once per interval. */
    static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(5);
    private long lastWarnNanos;
    private int pausesSinceWarning;
    /** Volatile, with the count below, so that metrics read them from the reporter's thread. */
    private volatile boolean paused;
    private volatile int pausedPartitionCount;

    /**
     * @param stash         names the stash in log messages
     * @param maxBytes      pause above this many live bytes
     * @param resumePercent resume below this percentage of {@code maxBytes}
     */
    public Backpressure(String stash, long maxBytes, int resumePercent) {
        if (resumePercent < 1 || resumePercent > 99) {
            throw new IllegalArgumentException("resumePercent must be 1..99, got " + resumePercent);
        }
        this.stash = stash;
        this.maxBytes = maxBytes;
        this.resumePercent = resumePercent;
        this.resumeBelowBytes = Math.max(1, maxBytes / 100 * resumePercent + maxBytes % 100 * resumePercent / 100);
    }

    /**
     * Decides from the stash's live bytes what to pause or resume among the {@code assigned} partitions. While
     * paused, partitions assigned since are paused too.
     *
     * @param drainerActive whether a source task drains the stash, for the advice in the warning
     */
    public Decision check(long liveBytes, boolean drainerActive, Set<TopicPartition> assigned) {
        if (!paused) {
            if (liveBytes <= maxBytes) {
                return Decision.NONE;
            }
            paused = true;
            pausedPartitions.addAll(assigned);
            pausedPartitionCount = pausedPartitions.size();
            long now = System.nanoTime();
            if (pausesSinceWarning > 0 && now - lastWarnNanos < WARN_INTERVAL_NANOS) {
                pausesSinceWarning++;
                log.debug("Stash {} holds {} bytes, more than stash.max.bytes={}: pausing input partitions {} again",
                    stash, liveBytes, maxBytes, assigned);
                return new Decision(Set.copyOf(assigned), Set.of());
            }
            log.warn("Stash {} holds {} bytes, more than stash.max.bytes={}: pausing input partitions {} until it is "
                    + "drained below {} bytes (stash.resume.percent={}). Nothing is dropped; consumer lag grows meanwhile. {}"
                    + "Start or scale the DuraStash source connector with the same stash.dir and stash.name on this worker, "
                    + "or raise stash.max.bytes if the disk has room. {}",
                stash, liveBytes, maxBytes, assigned, resumeBelowBytes, resumePercent,
                drainerActive ? "The source connector drains more slowly than this sink writes. "
                    : "No source connector is draining this stash. ",
                pausesSinceWarning > 1 ? "(Paused " + pausesSinceWarning + " times since the last warning.)" : "");
            lastWarnNanos = now;
            pausesSinceWarning = 1;
            return new Decision(Set.copyOf(assigned), Set.of());
        }
        if (liveBytes < resumeBelowBytes) {
            paused = false;
            Set<TopicPartition> resume = new LinkedHashSet<>(pausedPartitions);
            resume.retainAll(assigned);
            pausedPartitions.clear();
            pausedPartitionCount = pausedPartitions.size();
            log.info("Stash {} drained to {} bytes, below {} ({}% of stash.max.bytes): resuming input partitions {}",
                stash, liveBytes, resumeBelowBytes, resumePercent, resume);
            return new Decision(Set.of(), resume);
        }
        Set<TopicPartition> newlyAssigned = new LinkedHashSet<>(assigned);
        newlyAssigned.removeAll(pausedPartitions);
        if (newlyAssigned.isEmpty()) {
            return Decision.NONE;
        }
        pausedPartitions.addAll(newlyAssigned);
        pausedPartitionCount = pausedPartitions.size();
        log.debug("Stash {} is still above its low-water mark ({} bytes); pausing newly assigned partitions {}",
            stash, liveBytes, newlyAssigned);
        return new Decision(newlyAssigned, Set.of());
    }

    /**
     * Decides what to do with partitions assigned by a rebalance: while the stash is full, they are paused (a
     * cooperative rebalance forgets the pause of a revoked partition). The pause state of a revoked partition is
     * kept on purpose: an eager rebalance revokes everything and the worker pauses again, on reassignment, what the
     * task paused before, so those partitions must be among the ones resumed once the stash drains.
     */
    public Decision reassigned(Collection<TopicPartition> assigned) {
        if (!paused) {
            return Decision.NONE;
        }
        pausedPartitions.addAll(assigned);
        pausedPartitionCount = pausedPartitions.size();
        return new Decision(Set.copyOf(assigned), Set.of());
    }

    public boolean paused() {
        return paused;
    }

    /** How many partitions this task paused (owned now or before the last rebalance); safe to read from any thread. */
    public int pausedPartitionCount() {
        return pausedPartitionCount;
    }

    /** The partitions this task paused and still owns. */
    public Set<TopicPartition> pausedPartitions() {
        return Set.copyOf(pausedPartitions);
    }

    public long resumeBelowBytes() {
        return resumeBelowBytes;
    }
}
