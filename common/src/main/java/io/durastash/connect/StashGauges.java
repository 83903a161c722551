package io.durastash.connect;

import io.durastash.stash.Stash;

/**
 * The gauges of one stash, registered by every task that uses it: each sink and source task on the stash reports
 * the same values under its own task tags (aggregate them with max, not sum).
 */
public final class StashGauges {
    public static final String PENDING_BATCHES = "stash-pending-batches";
    public static final String PENDING_RECORDS = "stash-pending-records";
    public static final String PENDING_BYTES = "stash-pending-bytes";
    public static final String LOADED_BATCHES = "stash-loaded-batches";
    public static final String LOADED_RECORDS = "stash-loaded-records";
    public static final String LIVE_BYTES = "stash-live-bytes";
    public static final String OLDEST_PENDING_AGE_MS = "stash-oldest-pending-age-ms";
    public static final String QUARANTINED_ENTRIES = "stash-quarantined-entries";
    public static final String DRAINER_ACTIVE = "stash-drainer-active";
    public static final String PENDING_WITHOUT_DRAINER = "stash-pending-without-drainer";
    public static final String DISK_BYTES = "stash-disk-bytes";
    public static final String DISK_FREE_BYTES = "stash-disk-free-bytes";
    public static final String PATH = "stash-path";
    public static final String ID = "stash-id";

    private StashGauges() {
    }

    public static void register(PluginMetricsGroup metrics, Stash stash) {
        metrics.gauge(PENDING_BATCHES, "Batches in the stash waiting to be drained (including those claimed by a "
            + "drainer that stopped before they were acknowledged)", () -> stash.stats().pendingBatches());
        metrics.gauge(PENDING_RECORDS, "Records in the stash waiting to be drained", () -> stash.stats().pendingRecords());
        metrics.gauge(PENDING_BYTES, "Encoded record bytes in the stash waiting to be drained", () -> stash.stats().pendingBytes());
        metrics.gauge(LOADED_BATCHES, "Batches emitted by the drainer and not yet acknowledged by Kafka",
            () -> stash.stats().loadedBatches());
        metrics.gauge(LOADED_RECORDS, "Records of batches emitted by the drainer and not yet acknowledged by Kafka",
            () -> stash.stats().loadedRecords());
        metrics.gauge(LIVE_BYTES, "Encoded record bytes the stash holds, pending or not yet acknowledged: what "
            + "stash.max.bytes bounds", () -> stash.stats().liveBytes());
        metrics.gauge(OLDEST_PENDING_AGE_MS, "Age in milliseconds of the oldest batch waiting to be drained, 0 when "
            + "none is: the drain lag", () -> stash.stats().oldestPendingAgeMs());
        metrics.gauge(QUARANTINED_ENTRIES, "Entries set aside because they failed their checksum or did not decode, or "
            + "because the output refused them; inspect them with 'durastash quarantine list'",
            () -> stash.stats().quarantinedEntries());
        metrics.gauge(DRAINER_ACTIVE, "1 when a source task in this worker drains the stash, else 0",
            () -> stash.stats().drainerActive() ? 1 : 0);
        metrics.gauge(PENDING_WITHOUT_DRAINER, "1 when the stash holds batches and no source task in this worker "
            + "drains it, else 0", () -> stash.stats().pendingWithoutDrainer() ? 1 : 0);
        metrics.gauge(DISK_BYTES, "Bytes the stash directory holds on disk (RocksDB's files, WAL included)",
            () -> stash.disk().stashBytes());
        metrics.gauge(DISK_FREE_BYTES, "Bytes free for the stash: on its filesystem, or within stash.volume.bytes when set",
            () -> stash.disk().freeBytes());
        metrics.textGauge(PATH, "The stash directory (stash.dir/stash.name)", () -> stash.path().toString());
        metrics.textGauge(ID, "The stash's identity, created with it", () -> stash.id().toString());
    }
}
