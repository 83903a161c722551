package io.durastash.stash.internals;

import io.durastash.stash.model.WalSyncTotals;

/**
 * The group commit: appends that must be durable before they are delivered are written without a sync and wait in
 * the queue ({@link PendingQueue#UNSYNCED}); when the drainer finds the next batch waiting, it syncs the WAL once for
 * every append written since the last sync, and those batches become claimable. So a sink's {@code put()} never waits
 * for the disk, and the more the drain lags, the more polls, of every task on the stash, one fsync covers.
 *
 * <p>Syncs are serialized by this object's monitor, which is taken before the queue's (a leaf) and held across the
 * sync: a sync's batches are exactly those unsynced when it began. A sync that fails leaves them waiting; the failure
 * is the handle's (see {@link StashDb#failure}), and the stash's next handle recovers them from disk.
 */
public final class WalSync {
    private final StashDb db;
    private final DrainQueue queue;
    /** Written under the monitor after each sync, read without it: a sink's poll never waits for a sync to read it. */
    private volatile WalSyncTotals totals = WalSyncTotals.NONE;

    public WalSync(StashDb db, DrainQueue queue) {
        this.db = db;
        this.queue = queue;
    }

    /** Syncs the WAL now: everything written before is durable, and the batches that waited for it are claimable. */
    public synchronized void syncNow() {
        sync(true);
    }

    /**
     * Syncs the WAL when a written batch waits for a sync, once a sync in progress ended: afterwards every batch written
     * before the call is claimable.
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
                totals = new WalSyncTotals(totals.syncs() + 1, totals.nanos() + System.nanoTime() - start);
            }
        }
    }

    /** How many syncs ran and how long they took, since the handle opened. */
    public WalSyncTotals totals() {
        return totals;
    }
}
