package io.durastash.sink;

import io.durastash.connect.PluginMetricsGroup;
import io.durastash.connect.StashGauges;
import io.durastash.sink.placement.SinkGroup;
import io.durastash.stash.Stash;
import io.durastash.stash.model.WalSyncTotals;

/**
 * The sink task's metrics: what it stashes, how long the WAL syncs take, whether backpressure pauses it, and the
 * gauges of its stash ({@link StashGauges}). All no-ops when the runtime has no plugin metrics.
 */
public final class SinkMetrics implements AutoCloseable {
    /** {@code put-record-rate} and {@code put-record-total}: records written to the stash. */
    public static final String PUT_RECORD = "put-record";
    /** {@code put-batch-rate} and {@code put-batch-total}: stash batches written. */
    public static final String PUT_BATCH = "put-batch";
    /** {@code put-skipped-record-total}: redelivered records skipped because they were already stashed. */
    public static final String PUT_SKIPPED_RECORD = "put-skipped-record";
    /** {@code looped-record-total}: records not stashed because they came back into the stash they left (a loop). */
    public static final String LOOPED_RECORD = "looped-record";
    /** {@code put-reported-record-total}: records that could not be encoded, sent to the errant record reporter. */
    public static final String PUT_REPORTED_RECORD = "put-reported-record";
    /** {@code lost-record-total}: records lost to damage in the stash that the input topic no longer held. */
    public static final String LOST_RECORD = "lost-record";
    /** {@code wal-sync-time-avg-ms} and {@code wal-sync-time-max-ms}: the stash's WAL syncs, per poll. */
    public static final String WAL_SYNC_TIME = "wal-sync-time";
    public static final String BACKPRESSURE_PAUSED = "backpressure-paused";
    public static final String BACKPRESSURE_PAUSED_PARTITIONS = "backpressure-paused-partitions";
    public static final String BACKPRESSURE_DISK_LOW = "backpressure-disk-low";
    /** 1 when the sink's consumers use the drainer-aware assignor in this worker, else 0. */
    public static final String PLACEMENT_GUARDED = "placement-guarded";
    /** New assignments of the sink's consumer group this worker asked for because drainers came or went. */
    public static final String PLACEMENT_REBALANCE_REQUESTS = "placement-rebalance-requests";

    private final PluginMetricsGroup metrics;
    private final PluginMetricsGroup.Recorder putRecords;
    private final PluginMetricsGroup.Recorder putBatches;
    private final PluginMetricsGroup.Recorder skipped;
    private final PluginMetricsGroup.Recorder reported;
    private final PluginMetricsGroup.Recorder looped;
    private final PluginMetricsGroup.Recorder walSync;
    private final PluginMetricsGroup.Recorder lost;
    private WalSyncTotals walSyncsSeen = WalSyncTotals.NONE;

    public SinkMetrics(PluginMetricsGroup metrics, Stash stash, Backpressure backpressure, SinkGroup group) {
        this.metrics = metrics;
        putRecords = metrics.meter(PUT_RECORD, "Records written to the stash per second",
            "Records written to the stash since the task started");
        putBatches = metrics.meter(PUT_BATCH, "Stash batches written per second", "Stash batches written since the task started");
        skipped = metrics.total(PUT_SKIPPED_RECORD, "Redelivered records skipped because the stash already held them");
        reported = metrics.total(PUT_REPORTED_RECORD, "Records that could not be encoded and went to the errant record "
            + "reporter (dead letter queue)");
        looped = metrics.total(LOOPED_RECORD, "Records not stashed because they carry this stash's loop mark: they "
            + "were delivered from this stash before and came back through a loop of connectors");
        lost = metrics.total(LOST_RECORD, "Records lost to damage in the stash that the input topic no longer held "
            + "when the sink fetched them again (retention), so they were not delivered");
        walSync = metrics.timer(WAL_SYNC_TIME, "Average time in ms of a sync of the stash's WAL (the group commit that "
            + "makes stashed batches deliverable with stash.sync=true, or a sync before an offset commit with "
            + "input.commit=stashed), averaged over the syncs between two polls", "Longest of those averages in ms");
        metrics.gauge(BACKPRESSURE_PAUSED, "1 while the stash is above stash.max.bytes and this task's input partitions "
            + "are paused, else 0", () -> backpressure.paused() ? 1 : 0);
        metrics.gauge(BACKPRESSURE_DISK_LOW, "1 while this task's input partitions are paused because the stash's "
            + "filesystem has less than stash.min.free.bytes free, else 0", () -> backpressure.diskLow() ? 1 : 0);
        metrics.gauge(BACKPRESSURE_PAUSED_PARTITIONS, "Input partitions this task paused because the stash is full",
            backpressure::pausedPartitionCount);
        metrics.gauge(PLACEMENT_GUARDED, "1 when the sink's consumers use DrainerAssignor, which gives input partitions "
            + "only to workers that drain their stash, else 0", () -> group.guarded() ? 1 : 0);
        metrics.gauge(PLACEMENT_REBALANCE_REQUESTS, "New assignments of the sink's consumer group this worker asked for "
            + "because its drainer went away, or came while no worker had one", group::rebalanceRequests);
        StashGauges.register(metrics, stash);
    }

    /** Records what one poll did. */
    void recordPoll(StashWriter.PollResult poll) {
        if (poll.stashed() > 0) {
            putRecords.record(poll.stashed());
            putBatches.record(poll.batches());
        }
        if (poll.skipped() > 0) {
            skipped.record(poll.skipped());
        }
        if (poll.reported() > 0) {
            reported.record(poll.reported());
        }
        if (poll.looped() > 0) {
            looped.record(poll.looped());
        }
    }

    /** Records lost to damage that could not be fetched again. */
    void recordLost(long records) {
        lost.record(records);
    }

    /** Records the stash's WAL syncs since the last call, from its running totals {@code now}. */
    void recordWalSyncs(WalSyncTotals now) {
        WalSyncTotals since = now.since(walSyncsSeen);
        walSyncsSeen = now;
        if (since.syncs() > 0) {
            walSync.record(since.averageMillis());
        }
    }

    @Override
    public void close() {
        metrics.close();
    }
}
