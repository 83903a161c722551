package io.durastash.stash.internals;

import io.durastash.stash.StashException;
import io.durastash.stash.WalSyncTotals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The group commit: appends that must be durable before they are delivered are written without a sync and wait in
 * the queue ({@link PendingQueue#UNSYNCED}); one thread per stash syncs the WAL as soon as any wait, and each sync
 * makes every batch whose write returned before it claimable. So a sink's {@code put()} never waits for the disk, and
 * one fsync covers every poll of every task written since the last one.
 *
 * <p>Syncs are serialized by this object's monitor, which is taken before the queue's (a leaf) and held across the
 * sync: a sync's batches are exactly those unsynced when it began. When a sync fails the handle has failed (see
 * {@link StashDb#failure}); the thread ends, its batches stay unclaimable, and the stash's next use opens a new handle
 * that recovers them from disk.
 */
public final class WalSync implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WalSync.class);
    private static final long JOIN_TIMEOUT_MS = 30_000;

    private final StashDb db;
    private final DrainQueue queue;
    private final Thread thread;
    private long syncs;
    private long syncNanos;

    public WalSync(StashDb db, DrainQueue queue) {
        this.db = db;
        this.queue = queue;
        this.thread = new Thread(this::run, "durastash-wal-sync-" + db.path().getFileName());
        thread.setDaemon(true);
    }

    /** Starts the thread that syncs for batches waiting for a sync. */
    public void start() {
        thread.start();
    }

    /** Syncs the WAL now: everything written before is durable, and the batches that waited for it are claimable. */
    public synchronized void syncNow() {
        sync(true);
    }

    /**
     * Syncs the WAL when a written batch waits for a sync, once the sync in progress (if any) ended: afterwards every
     * batch written before the call is claimable. The drainer calls it when the head of the queue waits for a sync.
     */
    public synchronized void syncWaiting() {
        sync(false);
    }

    private void sync(boolean always) {
        if (queue.beginSync() == 0 && !always) {
            return;
        }
        boolean synced = false;
        long start = System.nanoTime();
        try {
            db.syncWal();
            synced = true;
        } finally {
            queue.endSync(synced);
            if (synced) {
                syncs++;
                syncNanos += System.nanoTime() - start;
            }
        }
    }

    /** How many syncs ran and how long they took, since the handle opened. */
    public synchronized WalSyncTotals totals() {
        return new WalSyncTotals(syncs, syncNanos);
    }

    private void run() {
        try {
            while (queue.awaitUnsynced()) {
                syncWaiting();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (StashException e) {
            log.warn("Stash {}: the group commit stopped, a WAL sync failed ({}); batches that wait for it are "
                + "delivered after the stash reopens", db.path(), e.getMessage());
        }
    }

    /** Ends the thread; call after {@link DrainQueue#close()}, which ends its wait, and before the handle closes. */
    @Override
    public void close() {
        try {
            thread.join(JOIN_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("Stash {}: the WAL sync thread did not end within {} s", db.path(),
                TimeUnit.MILLISECONDS.toSeconds(JOIN_TIMEOUT_MS));
        }
    }
}
