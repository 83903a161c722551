package io.durastash.sink;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the stash's disk. The task's partitions are paused when the stash holds more than {@code stash.max.bytes},
 * or its files on disk take more than that while it holds at least half of it (drained batches not given back yet, the
 * WAL, RocksDB's own files), or when its filesystem has less than {@code stash.min.free.bytes} free (other files may
 * fill it too); they are resumed once the stash and its files are below the low-water mark ({@code stash.resume.percent}
 * of its limit) and the free space above the floor by the same margin. The gap keeps them from flapping. Below the
 * floor, and when the files stay above the mark after the stash drained below it, the stash is asked to give back the
 * space of what was drained ({@link #reclaimDue}); files that stay above the mark even then do not hold the pause.
 * Pausing never drops records: what the consumer already fetched is still stashed, the rest waits in Kafka. Not
 * thread-safe, but its state is safe to read from the metrics reporter's thread.
 */
public final class Backpressure {
    private static final Logger log = LoggerFactory.getLogger(Backpressure.class);

    /** Partitions to pause and to resume now; both empty when nothing changes. */
    public record Decision(Set<TopicPartition> pause, Set<TopicPartition> resume) {
        static final Decision NONE = new Decision(Set.of(), Set.of());
    }

    /**
     * What the stash's disk looks like now.
     *
     * @param liveBytes  the encoded bytes of the records the stash holds
     * @param stashBytes the bytes of the stash directory's files
     */
    public record Reading(long liveBytes, long stashBytes, long freeDiskBytes, boolean drainerActive) {
    }

    /** A stash that drains about as fast as it fills pauses every few seconds: warn once per interval. */
    static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final String stash;
    private final long maxBytes;
    private final long minFreeBytes;
    private final int resumePercent;
    /** Where the free bytes are counted: the stash's filesystem, or its volume. */
    private final String space;
    private final long resumeBelowBytes;
    private final long resumeAboveFreeBytes;
    private final Set<TopicPartition> pausedPartitions = new LinkedHashSet<>();
    private long lastWarnNanos;
    private int pausesSinceWarning;
    /** Volatile, with the count below, so that metrics read them from the reporter's thread. */
    private volatile boolean paused;
    private volatile boolean diskLow;
    private volatile int pausedPartitionCount;
    /** While paused for low disk: whether the stash gave back space yet, and the most it held since it last did. */
    private boolean reclaimedInPause;
    /** Whether, in this pause, the stash gave back its space while it held nothing, and has held nothing since. */
    private boolean reclaimedEmpty;
    /** Whether the resume below the floor with nothing left to give back was warned of since space was last back. */
    private boolean warnedNothingToGiveBack;
    private long liveBytesSinceReclaim;
    /** Whether, in this pause, the stash gave back the space of what was drained since it held less than the mark. */
    private boolean filesGivenBack;

    /**
     * @param stash         names the stash in log messages
     * @param maxBytes      pause above this many live bytes
     * @param minFreeBytes  pause below this many free bytes on the stash's filesystem (0: never)
     * @param resumePercent resume below this percentage of {@code maxBytes}, and with the free space this much above
     *                      the floor (the floor divided by the percentage)
     */
    public Backpressure(String stash, long maxBytes, long minFreeBytes, int resumePercent) {
        this(stash, maxBytes, minFreeBytes, resumePercent, 0);
    }

    /** @param volumeBytes the volume the free bytes are counted in ({@code stash.volume.bytes}; 0: the filesystem) */
    public Backpressure(String stash, long maxBytes, long minFreeBytes, int resumePercent, long volumeBytes) {
        if (resumePercent < 1 || resumePercent > 99) {
            throw new IllegalArgumentException("resumePercent must be 1..99, got " + resumePercent);
        }
        this.stash = stash;
        this.maxBytes = maxBytes;
        this.minFreeBytes = minFreeBytes;
        this.space = volumeBytes > 0 ? "volume (stash.volume.bytes=" + volumeBytes + ")" : "filesystem";
        this.resumePercent = resumePercent;
        this.resumeBelowBytes = Math.max(1, maxBytes / 100 * resumePercent + maxBytes % 100 * resumePercent / 100);
        this.resumeAboveFreeBytes = minFreeBytes / resumePercent * 100 + minFreeBytes % resumePercent * 100 / resumePercent;
    }

    /**
     * Decides from the stash's disk what to pause or resume among the {@code assigned} partitions. While paused,
     * partitions assigned since are paused too.
     */
    public Decision check(Reading disk, Set<TopicPartition> assigned) {
        if (!paused) {
            boolean full = disk.liveBytes() > maxBytes || filesOver(disk);
            boolean low = minFreeBytes > 0 && disk.freeDiskBytes() < minFreeBytes;
            if (!full && !low) {
                return Decision.NONE;
            }
            paused = true;
            diskLow = low;
            reclaimedEmpty = false;
            filesGivenBack = false;
            pausedPartitions.addAll(assigned);
            pausedPartitionCount = pausedPartitions.size();
            warnPaused(disk, full, assigned);
            return new Decision(Set.copyOf(assigned), Set.of());
        }
        boolean stashDrained = disk.liveBytes() < resumeBelowBytes
            && (disk.stashBytes() < resumeBelowBytes || filesGivenBack);
        boolean spaceBack = minFreeBytes == 0 || disk.freeDiskBytes() >= resumeAboveFreeBytes;
        if (disk.liveBytes() > 0) {
            reclaimedEmpty = false;
        }
        // Pausing longer frees nothing once the stash is empty and gave back what it could (RocksDB may refuse to
        // compact on a nearly full disk): other files hold the space, and the input would wait in Kafka for ever.
        boolean nothingToGiveBack = !spaceBack && reclaimedEmpty;
        diskLow = !spaceBack;
        if (stashDrained && (spaceBack || nothingToGiveBack)) {
            paused = false;
            diskLow = false;
            Set<TopicPartition> resume = new LinkedHashSet<>(pausedPartitions);
            resume.retainAll(assigned);
            pausedPartitions.clear();
            pausedPartitionCount = pausedPartitions.size();
            if (spaceBack) {
                warnedNothingToGiveBack = false;
                log.info("Stash {} holds {} bytes (below {}, {}% of stash.max.bytes) and its filesystem has {} bytes "
                    + "free: resuming input partitions {}", stash, disk.liveBytes(), resumeBelowBytes, resumePercent,
                    disk.freeDiskBytes(), resume);
            } else if (!warnedNothingToGiveBack) {
                warnedNothingToGiveBack = true;
                log.warn("Stash {} holds nothing and has given back the space it could, but its {} has {} bytes "
                    + "free, less than stash.min.free.bytes={}: resuming input partitions {} all the same, since waiting "
                    + "frees nothing; the sink pauses again after each poll while it stays below the floor. Other files "
                    + "fill it: free disk space, or give the stash a larger disk.",
                    stash, space, disk.freeDiskBytes(), minFreeBytes, resume);
            }
            return new Decision(Set.of(), resume);
        }
        Set<TopicPartition> newlyAssigned = new LinkedHashSet<>(assigned);
        newlyAssigned.removeAll(pausedPartitions);
        if (newlyAssigned.isEmpty()) {
            return Decision.NONE;
        }
        pausedPartitions.addAll(newlyAssigned);
        pausedPartitionCount = pausedPartitions.size();
        log.debug("Stash {} is still paused ({} bytes, {} bytes free); pausing newly assigned partitions {}",
            stash, disk.liveBytes(), disk.freeDiskBytes(), newlyAssigned);
        return new Decision(newlyAssigned, Set.of());
    }

    private void warnPaused(Reading disk, boolean full, Set<TopicPartition> assigned) {
        long now = System.nanoTime();
        if (pausesSinceWarning > 0 && now - lastWarnNanos < WARN_INTERVAL_NANOS) {
            pausesSinceWarning++;
            log.debug("Stash {}: pausing input partitions {} again ({} bytes, {} bytes free)", stash, assigned,
                disk.liveBytes(), disk.freeDiskBytes());
            return;
        }
        String again = pausesSinceWarning > 1 ? " (Paused " + pausesSinceWarning + " times since the last warning.)" : "";
        if (full) {
            log.warn("Stash {} holds {} bytes in {} bytes of files, more than stash.max.bytes={}: pausing input partitions "
                    + "{} until it is drained below {} bytes (stash.resume.percent={}). Nothing is dropped; consumer lag "
                    + "grows meanwhile. {}"
                    + "Start or scale the DuraStash source connector with the same stash.dir and stash.name on this worker, "
                    + "or raise stash.max.bytes if the disk has room.{}",
                stash, disk.liveBytes(), disk.stashBytes(), maxBytes, assigned, resumeBelowBytes, resumePercent,
                disk.drainerActive() ? "The source connector drains more slowly than this sink writes. "
                    : "No source connector is draining this stash. ", again);
        } else {
            log.warn("The {} of stash {} has {} bytes free, less than stash.min.free.bytes={}: pausing input "
                    + "partitions {} until {} bytes are free. Nothing is dropped; consumer lag grows meanwhile. Free disk "
                    + "space (other files may share it), or give the stash a larger disk.{}",
                space, stash, disk.freeDiskBytes(), minFreeBytes, assigned, resumeAboveFreeBytes, again);
        }
        lastWarnNanos = now;
        pausesSinceWarning = 1;
    }

    /**
     * Decides what to do with partitions assigned by a rebalance: while paused, they are paused (a cooperative
     * rebalance forgets the pause of a revoked partition). The pause state of a revoked partition is kept on purpose:
     * an eager rebalance revokes everything and the worker pauses again, on reassignment, what the task paused
     * before, so those partitions must be among the ones resumed once the stash drains.
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

    /** Whether the pause is for lack of free space on the stash's filesystem. */
    public boolean diskLow() {
        return diskLow;
    }

    /**
     * How many bytes of drained batches the stash gives back at a time ({@link
     * io.durastash.stash.SinkLedger#reclaimDrained}): a tenth of {@code stash.max.bytes}, between 1 MiB and 64 MiB, so
     * that a stash's files stay near what it holds while a backlog drains, and a compaction stays short; a quarter of
     * that, and at least 1 MiB, once the stash holds nothing and the input brings nothing ({@code idle}), so that a
     * drained stash does not keep up to a tenth of its limit on disk until more comes (a compaction of an empty stash
     * rewrites nothing, and an idle sink's put() has nothing else to do). Not while records flow: a flush in every few
     * polls would slow the sink that keeps the stash empty.
     */
    static long drainedBytesPerReclaim(long maxBytes, boolean idle) {
        long backlog = Math.max(1L << 20, Math.min(64L << 20, maxBytes / 10));
        return idle ? Math.max(1L << 20, backlog / 4) : backlog;
    }

    /**
     * Whether the stash's files take more than {@code stash.max.bytes} while it holds at least half of it: a stash whose
     * files are mostly what RocksDB keeps for itself (a small limit) is bounded by what it holds alone, and does not
     * pause at every poll.
     */
    private boolean filesOver(Reading disk) {
        return disk.stashBytes() > maxBytes && disk.liveBytes() >= maxBytes / 2;
    }

    /**
     * Whether the stash should give back now the disk space of what was drained ({@link
     * io.durastash.stash.SinkLedger#reclaimDisk}): deleted batches free nothing until RocksDB flushes and compacts, and
     * a pause may end only once the space is free. True while paused for low disk, at once and then whenever the stash
     * holds less than it did since the last reclaim; and once in a pause, when the stash drained below the low-water
     * mark and its files did not.
     */
    public boolean reclaimDue(Reading disk) {
        boolean lowDisk = lowDiskReclaimDue(disk.liveBytes());
        boolean files = paused && !filesGivenBack && disk.liveBytes() < resumeBelowBytes
            && disk.stashBytes() >= resumeBelowBytes;
        filesGivenBack |= files;
        return lowDisk || files;
    }

    private boolean lowDiskReclaimDue(long liveBytes) {
        if (!diskLow) {
            reclaimedInPause = false;
            return false;
        }
        if (reclaimedInPause && liveBytes >= liveBytesSinceReclaim) {
            liveBytesSinceReclaim = liveBytes;
            return false;
        }
        reclaimedInPause = true;
        liveBytesSinceReclaim = liveBytes;
        reclaimedEmpty = liveBytes == 0;
        return true;
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

    public long resumeAboveFreeBytes() {
        return resumeAboveFreeBytes;
    }
}
