package io.durastash.stash.internals;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts Kafka's acknowledgements per stash batch. A batch is complete when it has been read to its end
 * and every record emitted from it was acknowledged or dropped by the framework; complete batches queue up
 * until the drainer deletes them from the stash together. Acknowledgements arrive from producer threads, in
 * any order and across partitions; emissions are reported by the polling thread. Thread-safe.
 */
public final class Acknowledgements {
    private static final Logger log = LoggerFactory.getLogger(Acknowledgements.class);

    private final Map<Long, BatchProgress> open = new ConcurrentHashMap<>();
    private final Queue<Long> completed = new ConcurrentLinkedQueue<>();
    private final AtomicLong droppedRecords = new AtomicLong();
    private final AtomicBoolean droppedBefore = new AtomicBoolean();

    /** One batch's counts; guarded by its own monitor. */
    private static final class BatchProgress {
        long emitted;
        long acknowledged;
        long dropped;
        boolean readToEnd;
        boolean complete;
    }

    /**
     * Reports {@code records} more records of {@code batchId} handed to Connect, and whether the batch has now
     * been read to its end. Call it before the records leave {@code poll()}, so no acknowledgement can precede it.
     */
    public void emitted(long batchId, int records, boolean readToEnd) {
        BatchProgress progress = open.computeIfAbsent(batchId, id -> new BatchProgress());
        boolean nowComplete;
        synchronized (progress) {
            progress.emitted += records;
            progress.readToEnd |= readToEnd;
            nowComplete = completeIfDone(progress);
        }
        if (nowComplete) {
            complete(batchId, progress);
        }
    }

    /** Reports a batch of which nothing is emitted (all of it is already in Kafka, or every record is corrupt). */
    public void nothingToEmit(long batchId) {
        emitted(batchId, 0, true);
    }

    /**
     * Reports that Kafka acknowledged one record of {@code batchId}, or that the framework dropped it
     * ({@code dropped}: a transform filtered it or error tolerance skipped it): either way it is handled.
     * Acknowledgements of batches this tracker does not know (e.g. after {@link #clear()}) are ignored.
     */
    public void acknowledged(long batchId, boolean dropped) {
        BatchProgress progress = open.get(batchId);
        if (progress == null) {
            log.debug("Acknowledgement for batch {}, which is not in flight in this task; ignored", batchId);
            return;
        }
        boolean nowComplete;
        boolean firstDropInBatch = false;
        synchronized (progress) {
            progress.acknowledged++;
            if (dropped) {
                firstDropInBatch = progress.dropped++ == 0;
            }
            nowComplete = completeIfDone(progress);
        }
        if (dropped) {
            droppedRecords.incrementAndGet();
            if (firstDropInBatch) {
                logDrop(batchId);
            }
        }
        if (nowComplete) {
            complete(batchId, progress);
        }
    }

    private static boolean completeIfDone(BatchProgress progress) {
        if (!progress.complete && progress.readToEnd && progress.acknowledged >= progress.emitted) {
            progress.complete = true;
            return true;
        }
        return false;
    }

    private void complete(long batchId, BatchProgress progress) {
        open.remove(batchId);
        completed.add(batchId);
        if (log.isDebugEnabled()) {
            synchronized (progress) {
                log.debug("Batch {} is complete: {} records acknowledged, {} of them dropped by the framework",
                    batchId, progress.acknowledged, progress.dropped);
            }
        }
    }

    private void logDrop(long batchId) {
        if (droppedBefore.compareAndSet(false, true)) {
            log.warn("Connect dropped a record of stash batch {} (a transform filtered it, or errors.tolerance skipped "
                + "it) instead of writing it to Kafka. It counts as delivered and the batch is deleted once the rest is "
                + "acknowledged. Later drops are logged at DEBUG, once per batch.", batchId);
        } else {
            log.debug("Connect dropped records of stash batch {} instead of writing them to Kafka", batchId);
        }
    }

    /** Takes the ids of the batches completed since the last call, for one deletion. */
    public List<Long> takeCompleted() {
        List<Long> ids = new ArrayList<>();
        for (Long id = completed.poll(); id != null; id = completed.poll()) {
            ids.add(id);
        }
        return ids;
    }

    /** Puts back batches taken by {@link #takeCompleted()} whose deletion failed, for the next one. */
    public void completedAgain(List<Long> batchIds) {
        completed.addAll(batchIds);
    }

    /** Records Connect reported as handled without writing them to Kafka (null metadata), since the task started. */
    public long droppedRecords() {
        return droppedRecords.get();
    }

    /** Batches emitted (at least in part) and not complete yet. */
    public int batchesInFlight() {
        return open.size();
    }

    /** Forgets every batch in flight; they will be delivered again. */
    public void clear() {
        open.clear();
        completed.clear();
    }
}
