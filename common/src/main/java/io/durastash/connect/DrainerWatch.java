package io.durastash.connect;

import io.durastash.stash.model.StashStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Warns when a stash has held data with no source task draining it for longer than a threshold, and repeats the
 * warning while that lasts: nothing is lost, but nothing is delivered either. Called with the stash's stats by a
 * task that writes to it. Not thread-safe.
 */
public final class DrainerWatch {
    private static final Logger log = LoggerFactory.getLogger(DrainerWatch.class);

    public static final long DEFAULT_THRESHOLD_MS = 60_000L;
    public static final long DEFAULT_REPEAT_MS = 10 * 60_000L;

    private final Path stash;
    private final long thresholdMs;
    private final long repeatMs;
    private long undrainedSince = -1;
    private long lastWarning = -1;

    public DrainerWatch(Path stash) {
        this(stash, DEFAULT_THRESHOLD_MS, DEFAULT_REPEAT_MS);
    }

    public DrainerWatch(Path stash, long thresholdMs, long repeatMs) {
        this.stash = stash;
        this.thresholdMs = thresholdMs;
        this.repeatMs = repeatMs;
    }

    /** Returns whether it logged a warning now. */
    public boolean check(StashStats stats, long nowMs) {
        if (!stats.pendingWithoutDrainer()) {
            if (lastWarning >= 0) {
                log.info("Stash {} is {} again", stash, stats.drainerActive() ? "drained by a source task" : "empty");
            }
            undrainedSince = -1;
            lastWarning = -1;
            return false;
        }
        if (undrainedSince < 0) {
            undrainedSince = nowMs;
        }
        long undrainedMs = nowMs - undrainedSince;
        if (undrainedMs < thresholdMs || (lastWarning >= 0 && nowMs - lastWarning < repeatMs)) {
            return false;
        }
        lastWarning = nowMs;
        log.warn("Stash {} has held data for {} s with no source task draining it: {} batches, {} records, {} bytes, the "
                + "oldest pending for {} s. Nothing is lost, but nothing is delivered and the stash grows towards "
                + "stash.max.bytes. Run the DuraStash source connector with the same stash.dir and stash.name, with "
                + "tasks.max at least the number of workers, so that a source task runs in this worker process; if it "
                + "runs, check why its task is not draining (GET /connectors/<name>/status). On a distributed cluster, "
                + "give the sink connector \"consumer.override.partition.assignment.strategy\": "
                + "\"io.durastash.sink.placement.DrainerAssignor\", so that "
                + "its input partitions move to workers that drain their stash.",
            stash, undrainedMs / 1000, stats.liveBatches(), stats.liveRecords(), stats.liveBytes(),
            stats.oldestPendingAgeMs() / 1000);
        return true;
    }
}
