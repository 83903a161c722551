package io.durastash.source;

import io.durastash.connect.PluginMetricsGroup;
import io.durastash.connect.StashGauges;
import io.durastash.stash.Drainer;
import io.durastash.stash.Stash;

import java.util.concurrent.atomic.LongAdder;


/**
 * The source task's metrics: what it emits, what Kafka acknowledges, the transactions it commits, which batches it
 * deletes, what the framework dropped, what the output refused, whether it is the drainer, and the gauges of its stash
 * ({@link StashGauges}). All no-ops when the runtime has no plugin metrics.
 */
public final class SourceMetrics implements AutoCloseable {
    /** {@code emit-record-rate} and {@code emit-record-total}: records handed to Connect by poll(). */
    public static final String EMIT_RECORD = "emit-record";
    /** {@code ack-record-rate} and {@code ack-record-total}: records Kafka acknowledged. */
    public static final String ACK_RECORD = "ack-record";
    /** {@code ack-batch-rate} and {@code ack-batch-total}: batches fully acknowledged and deleted from the stash. */
    public static final String ACK_BATCH = "ack-batch";
    /** {@code transaction-rate} and {@code transaction-total}: transactions committed by the task's own producer. */
    public static final String TRANSACTION = "transaction";
    public static final String DROPPED_RECORD_TOTAL = "dropped-record-total";
    public static final String SUPERSEDED_RECORD_TOTAL = "superseded-record-total";
    public static final String REFUSED_RECORD_TOTAL = "refused-record-total";
    public static final String DRAINER = "drainer";

    private final PluginMetricsGroup metrics;
    private final PluginMetricsGroup.Recorder emitted;
    private final PluginMetricsGroup.Recorder acknowledged;
    private final PluginMetricsGroup.Recorder deleted;
    private final PluginMetricsGroup.Recorder transactions;
    private final LongAdder acknowledgedUnrecorded = new LongAdder();

    /** @param drainer the task's drainer: what it dropped, superseded and set aside, and whether it drains now */
    public SourceMetrics(PluginMetricsGroup metrics, Stash stash, Drainer drainer) {
        this.metrics = metrics;
        emitted = metrics.meter(EMIT_RECORD, "Records handed to Connect per second", "Records handed to Connect since "
            + "the task started (redeliveries after a restart count again)");
        acknowledged = metrics.meter(ACK_RECORD, "Records acknowledged by Kafka per second",
            "Records acknowledged by Kafka since the task started");
        deleted = metrics.meter(ACK_BATCH, "Stash batches fully acknowledged and deleted per second",
            "Stash batches fully acknowledged and deleted since the task started");
        transactions = metrics.meter(TRANSACTION, "Transactions committed per second (with the sink's "
            + "input.commit=transactional)", "Transactions committed since the task started (with the sink's "
            + "input.commit=transactional)");
        metrics.gauge(DROPPED_RECORD_TOTAL, "Records the framework reported as handled without writing them to Kafka "
            + "(a transform filtered them, or errors.tolerance skipped them) since the task started",
            drainer::droppedRecords);
        metrics.gauge(SUPERSEDED_RECORD_TOTAL, "Records not delivered from this stash since the task started because "
            + "their input partition is consumed by another worker now, or they were delivered already (that worker "
            + "delivers them once)", drainer::supersededRecords);
        metrics.gauge(REFUSED_RECORD_TOTAL, "Records the output refused (too large for the output topic, say) and this "
            + "task set aside in the stash's quarantine since it started; requeue them once the cause is fixed",
            drainer::refusedRecords);
        metrics.gauge(DRAINER, "1 when this task drains its stash, 0 while it stands by",
            () -> drainer.draining() ? 1 : 0);
        StashGauges.register(metrics, stash);
    }

    void recordEmitted(int records) {
        if (records > 0) {
            emitted.record(records);
        }
    }

    /** Records acknowledged by Kafka (not dropped), from the task's thread. */
    void recordAcknowledged(int records) {
        acknowledged.record(records);
    }

    /**
     * Counts one record acknowledged by Kafka. Called from the producer's thread for every record, so it only adds;
     * {@link #recordAcknowledgements} records the count from the task's thread (a sensor's record takes its lock).
     */
    void acknowledgedOne() {
        acknowledgedUnrecorded.increment();
    }

    /** Records the acknowledgements counted by {@link #acknowledgedOne} since the last call. */
    void recordAcknowledgements() {
        long records = acknowledgedUnrecorded.sumThenReset();
        if (records > 0) {
            acknowledged.record(records);
        }
    }

    void recordTransaction() {
        transactions.record(1);
    }

    void recordBatchesDeleted(int batches) {
        if (batches > 0) {
            deleted.record(batches);
        }
    }

    @Override
    public void close() {
        metrics.close();
    }
}
