package io.durastash.stash.internals;

import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.NewBatch;
import io.durastash.stash.model.StashStats;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What the stash holds, in memory and in batch order: the pending batches waiting to be claimed, the batches its
 * drainer has claimed and not yet acknowledged, the next batch id, and which drainer holds the stash. Claims,
 * counts and the drain lag cost nothing proportional to the size of the stash. Its monitor is a leaf lock: nothing
 * else is locked while it is held, and no I/O happens under it. Thread-safe.
 *
 * <p>Only the drainer removes from the head of the pending queue or hands batches back, so a claim can look at the
 * head ({@link #claimable}), read those batches' metadata without the lock, and then take exactly them
 * ({@link #claimed}): a read that fails leaves the queue as it was.
 *
 * <p>Not final only so that a test can stand between an append's id check and its allocation
 * ({@code BatchIdReservationTest}).
 */
public class DrainQueue {
    private final Clock clock;
    private final PendingQueue pending = new PendingQueue();
    private final NavigableMap<Long, BatchMetadata> loaded = new TreeMap<>();
    private long loadedRecords;
    private long loadedBytes;
    /** The bytes of the batches deleted since the last {@link #drainedBytesReclaimed}: space a compaction gives back. */
    private long drainedBytes;
    private long nextBatchId = 1;
    private Object drainer;
    private long wakeUps;
    private boolean closed;

    public DrainQueue(Clock clock) {
        this.clock = clock;
    }

    /** Queues a batch found on disk when the stash opens. */
    synchronized void recovered(BatchMetadata batch) {
        pending.addLast(batch.id(), batch.createdAt(), batch.recordCount(), batch.byteSize(), PendingQueue.VISIBLE);
    }

    /** Sets the id of the next batch, past every id ever stored. */
    synchronized void startIdsAt(long next) {
        nextBatchId = Math.max(nextBatchId, next);
    }

    public synchronized long nextBatchId() {
        return nextBatchId;
    }

    /**
     * Allocates ids for {@code batches} and queues them as being written, so that a claim never passes them before
     * their write returns. Returns the first id; the others follow it.
     */
    synchronized long reserve(List<NewBatch> batches, long[] byteSizes, long now) {
        long firstId = nextBatchId;
        nextBatchId += batches.size();
        for (int i = 0; i < batches.size(); i++) {
            pending.addLast(firstId + i, now, batches.get(i).records().size(), byteSizes[i], PendingQueue.WRITING);
        }
        return firstId;
    }

    /**
     * Ends the write of the batches {@link #reserve} queued: when {@code written}, claimable at once or, when they
     * {@code awaitSync}, once a WAL sync that began after their write covered them; else dropped.
     */
    synchronized void settle(long firstId, int count, boolean written, boolean awaitSync) {
        byte state = !written ? PendingQueue.ABANDONED : awaitSync ? PendingQueue.UNSYNCED : PendingQueue.VISIBLE;
        pending.settle(firstId, count, state);
        if (written) {
            notifyAll();
        }
    }

    /** A WAL sync begins; it covers every batch written so far that waits for one. Returns how many. */
    synchronized int beginSync() {
        return pending.beginSync();
    }

    /** The WAL sync {@link #beginSync} began ended: its batches are claimable when {@code synced}. */
    synchronized void endSync(boolean synced) {
        pending.endSync(synced);
        if (synced) {
            notifyAll();
        }
    }

    /**
     * The ids of the next loadable batches, without taking them: at least one, then whole batches until
     * {@code maxRecords}; only batches at least {@code holdMillis} old; empty when none is loadable.
     */
    public synchronized List<Long> claimable(int maxRecords, long holdMillis) {
        long now = clock.millis();
        List<Long> ids = new ArrayList<>();
        int records = 0;
        for (int i = 0; i < pending.size() && (ids.isEmpty() || records < maxRecords); i++) {
            byte state = pending.state(i);
            if (state == PendingQueue.ABANDONED) {
                continue;
            }
            if (state != PendingQueue.VISIBLE || (holdMillis > 0 && pending.createdAt(i) > now - holdMillis)) {
                break;
            }
            records += pending.records(i);
            ids.add(pending.id(i));
        }
        return ids;
    }

    /**
     * Takes the batches {@link #claimable} named, in its order, from the head of the queue; {@code claimed} is the
     * metadata of those still in the stash (a batch without readable metadata was set aside and is just dropped).
     */
    public synchronized void claimed(List<Long> ids, List<BatchMetadata> claimed) {
        int i = 0;
        while (i < ids.size()) {
            if (pending.headState() == PendingQueue.ABANDONED) {
                pending.removeHead();
                continue;
            }
            if (pending.headId() != ids.get(i)) {
                throw new IllegalStateException("the head of the queue moved during a claim: " + pending.headId()
                    + " instead of " + ids.get(i));
            }
            pending.removeHead();
            i++;
        }
        for (BatchMetadata batch : claimed) {
            loaded.put(batch.id(), batch);
            loadedRecords += batch.recordCount();
            loadedBytes += batch.byteSize();
        }
    }

    /** The batches claimed and not yet acknowledged, in id order. */
    public synchronized List<Long> claimedIds() {
        return new ArrayList<>(loaded.keySet());
    }

    /**
     * Of {@code batchIds}, those that head the pending queue, in its order, up to the first pending batch not among
     * them: what a drainer had claimed on a handle that failed, found again on the reopened one (a claim takes them).
     */
    public synchronized List<Long> pendingAtHead(Collection<Long> batchIds) {
        List<Long> head = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            if (pending.state(i) == PendingQueue.ABANDONED) {
                continue;
            }
            if (!batchIds.contains(pending.id(i))) {
                break;
            }
            head.add(pending.id(i));
        }
        return head;
    }

    /** Of {@code batchIds}, those claimed and not yet acknowledged, in id order: the ones to delete. */
    public synchronized List<Long> claimedAmong(Collection<Long> batchIds) {
        List<Long> claimed = new ArrayList<>(batchIds.size());
        for (long batchId : batchIds) {
            if (loaded.containsKey(batchId)) {
                claimed.add(batchId);
            }
        }
        claimed.sort(null);
        return claimed;
    }

    /** Forgets claimed batches whose deletion is written. */
    public synchronized void acknowledged(Collection<Long> deleted) {
        for (long batchId : deleted) {
            BatchMetadata batch = loaded.remove(batchId);
            if (batch != null) {
                loadedRecords -= batch.recordCount();
                loadedBytes -= batch.byteSize();
                drainedBytes += batch.byteSize();
            }
        }
    }

    /** Notes that the space of the batches deleted so far is being given back. */
    public synchronized void drainedBytesReclaimed() {
        drainedBytes = 0;
    }

    /** The bytes of the batches deleted since {@link #drainedBytesReclaimed} was last called. */
    public synchronized long drainedBytes() {
        return drainedBytes;
    }

    /** The id of the oldest batch still stored (pending or handed out), or {@link #nextBatchId()} when none is. */
    public synchronized long firstLiveBatchId() {
        long first = nextBatchId;
        if (!pending.isEmpty()) {
            first = Math.min(first, pending.headId());
        }
        if (!loaded.isEmpty()) {
            first = Math.min(first, loaded.firstKey());
        }
        return first;
    }

    /** Makes {@code owner} the stash's one drainer if there is none; returns whether it is. */
    public synchronized boolean takeRole(Object owner) {
        if (drainer == null && !closed) {
            drainer = owner;
        }
        return drainer == owner;
    }

    /**
     * Ends {@code owner}'s turn: the batches it claimed and that were not acknowledged go back to the head of the
     * queue, in id order, to be delivered again by the next drainer. Returns them; empty when {@code owner} was not
     * the drainer.
     */
    public synchronized List<BatchMetadata> handBack(Object owner) {
        if (drainer != owner) {
            return List.of();
        }
        drainer = null;
        List<BatchMetadata> handedBack = new ArrayList<>(loaded.values());
        for (BatchMetadata batch : loaded.descendingMap().values()) {
            pending.addFirst(batch.id(), batch.createdAt(), batch.recordCount(), batch.byteSize());
        }
        loaded.clear();
        loadedRecords = 0;
        loadedBytes = 0;
        notifyAll();
        return handedBack;
    }

    /**
     * Waits up to {@code timeoutMs} until a batch may be claimable. Returns false at the timeout, when the queue
     * closes or when {@link #wakeUp()} is called.
     */
    public boolean awaitLoadable(long timeoutMs, long holdMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        synchronized (this) {
            long wakeUpsSeen = wakeUps;
            while (!closed && wakeUps == wakeUpsSeen) {
                long waitMs = Long.MAX_VALUE;
                if (!pending.isEmpty() && pending.headState() != PendingQueue.WRITING) {
                    long readyIn = holdMillis <= 0 ? 0 : pending.headCreatedAt() + holdMillis - clock.millis();
                    if (readyIn <= 0) {
                        return true;
                    }
                    waitMs = readyIn;
                }
                if (!waitUntil(deadline, waitMs)) {
                    return false;
                }
            }
            return false;
        }
    }

    /** Waits up to {@code timeoutMs} until no drainer holds the stash; false at the timeout, on close or wake-up. */
    public boolean awaitRoleFree(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        synchronized (this) {
            long wakeUpsSeen = wakeUps;
            while (!closed && wakeUps == wakeUpsSeen) {
                if (drainer == null) {
                    return true;
                }
                if (!waitUntil(deadline, Long.MAX_VALUE)) {
                    return false;
                }
            }
            return false;
        }
    }

    /**
     * Waits up to {@code timeoutMs}, or until {@link #wakeUp()} or close: for a drainer whose next record waits on the
     * delivery gate, which has no event to wait for.
     */
    public boolean awaitWakeUp(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        synchronized (this) {
            long wakeUpsSeen = wakeUps;
            while (!closed && wakeUps == wakeUpsSeen) {
                if (!waitUntil(deadline, Long.MAX_VALUE)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Whether the next batch to claim waits for a WAL sync (see {@link WalSync#syncWaiting}). */
    public synchronized boolean awaitsSyncAtHead() {
        if (pending.isEmpty()) {
            return false;
        }
        byte state = pending.headState();
        return state == PendingQueue.UNSYNCED || state == PendingQueue.SYNCING;
    }

    /** Waits on the monitor (held) at most {@code waitMs} and not past {@code deadline}; false once it has passed. */
    private boolean waitUntil(long deadline, long waitMs) throws InterruptedException {
        long remainingMs = (deadline - System.nanoTime()) / 1_000_000L;
        if (remainingMs <= 0) {
            return false;
        }
        wait(Math.min(waitMs, remainingMs));
        return true;
    }

    /** Ends every wait in progress, e.g. when a task stops. */
    public synchronized void wakeUp() {
        wakeUps++;
        notifyAll();
    }

    /** Refuses new drainers and ends every wait. */
    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    public synchronized StashStats stats(long quarantined, long refused) {
        long oldestAge = pending.isEmpty() ? 0 : Math.max(0, clock.millis() - pending.headCreatedAt());
        return new StashStats(pending.size(), pending.totalRecords(), pending.totalBytes(), loaded.size(),
            loadedRecords, loadedBytes, oldestAge, quarantined, refused, drainer != null);
    }
}
