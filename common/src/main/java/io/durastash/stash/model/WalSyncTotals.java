package io.durastash.stash.model;

/**
 * The WAL syncs of a stash's handle since it opened: how many, and their time in all. Subtract two readings for the
 * syncs between them.
 */
public record WalSyncTotals(long syncs, long nanos) {
    public static final WalSyncTotals NONE = new WalSyncTotals(0, 0);

    /** The syncs since {@code earlier}; all of these when the handle was replaced since (the counts restart). */
    public WalSyncTotals since(WalSyncTotals earlier) {
        return earlier.syncs > syncs ? this : new WalSyncTotals(syncs - earlier.syncs, nanos - earlier.nanos);
    }

    /** The average time of a sync in milliseconds; 0 without syncs. */
    public double averageMillis() {
        return syncs == 0 ? 0 : nanos / 1_000_000.0 / syncs;
    }
}
