package io.durastash.source;

import io.durastash.connect.PluginMetricsGroup;
import io.durastash.stash.Drainer;
import io.durastash.stash.Stash;
import io.durastash.stash.StashLease;
import io.durastash.stash.StashPosition;
import io.durastash.stash.StashRegistry;
import io.durastash.stash.Version;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Drains the stash named by its config into Kafka, through the stash's {@link Drainer}: one task per stash drains,
 * the others stand by and take over when it stops. A batch is deleted from the stash once Kafka has acknowledged all
 * of it; batches not acknowledged when the task stops or crashes are delivered again. The drainer's lock lets
 * {@link #stop()} run on another thread than {@link #poll()} (when Connect cancels a stuck task).
 */
public class StashSourceTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(StashSourceTask.class);

    /**
     * How often a poll deletes acknowledged batches. Each deletion is a stash write that waits for the sink's synced
     * write in progress, so the drainer deletes a tenth of a second's worth at a time, not every poll.
     */
    static final long ACKNOWLEDGE_INTERVAL_MS = 100;

    private StashSourceConfig config;
    private StashLease lease;
    private Stash stash;
    private Map<String, String> sourcePartition;
    private Drainer drainer;
    private SourceRecordMapper mapper;
    private TransactionContext transactions;
    private SourceMetrics metrics;
    private volatile long lastAcknowledgeNanos;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new StashSourceConfig(props);
        lastAcknowledgeNanos = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(ACKNOWLEDGE_INTERVAL_MS);
        lease = StashRegistry.jvm().acquire(config.stashPath(), config.stashOptions());
        try {
            stash = lease.stash();
            sourcePartition = SourceOffsets.partition(stash.id());
            mapper = new SourceRecordMapper(sourcePartition, config.topicTemplate(), config.preservePartition(),
                config.provenance());
            drainer = stash.drainer(toString(), config.pollMaxRecords(), config.loadHoldMs());
            transactions = context.transactionContext();
            metrics = new SourceMetrics(PluginMetricsGroup.forTask(context, "Source task on stash " + stash.path()), stash,
                drainer::droppedRecords, drainer::draining);
        } catch (RuntimeException e) {
            drainer = null;
            lease.close();
            throw e;
        }
        log.info("Source task started on stash {} at {}: output topic '{}', {}, {} records per poll, hold {} ms{}",
            stash.id(), stash.path(), config.topic(),
            config.preservePartition() ? "input partitions kept" : "partitions chosen by the producer",
            config.pollMaxRecords(), config.loadHoldMs(),
            transactions != null ? ", one transaction per stash batch" : "");
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (System.nanoTime() - lastAcknowledgeNanos >= TimeUnit.MILLISECONDS.toNanos(ACKNOWLEDGE_INTERVAL_MS)) {
            deleteAcknowledged();
        }
        if (!drainer.activate(this::committedPosition)) {
            drainer.awaitWork(config.pollWaitMs());
            return null;
        }
        List<SourceRecord> records = drain();
        if (records.isEmpty() && drainer.awaitWork(config.pollWaitMs())) {
            records = drain();
        }
        return records.isEmpty() ? null : records;
    }

    /** The position Connect committed for this stash: where a new drainer resumes. */
    private StashPosition committedPosition() {
        Map<String, Object> offset = context.offsetStorageReader().offset(sourcePartition);
        try {
            return SourceOffsets.position(offset);
        } catch (ConnectException e) {
            throw new ConnectException("The committed offset of stash " + stash.id() + " at " + stash.path() + " is not "
                + "one this connector writes. " + e.getMessage() + " Reset the connector's offsets (stop it, then DELETE "
                + "/connectors/<name>/offsets) or alter them to a valid position. This task will be stopped.", e);
        }
    }

    private List<SourceRecord> drain() {
        List<SourceRecord> records = new ArrayList<>();
        drainer.drain(config.pollMaxRecords(), (batch, record, lastOfBatch) -> {
            SourceRecord sourceRecord = mapper.toSourceRecord(batch, record);
            records.add(sourceRecord);
            if (lastOfBatch && transactions != null) {
                transactions.commitTransaction(sourceRecord);
            }
        });
        metrics.recordEmitted(records.size());
        return records;
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        long batchId;
        try {
            batchId = SourceOffsets.batchId(record.sourceOffset());
        } catch (IllegalArgumentException e) {
            log.warn("Acknowledged record has source offset {}, which this task did not write; ignored", record.sourceOffset());
            return;
        }
        drainer.acknowledged(batchId, metadata == null);
        if (metadata != null) {
            metrics.recordAcknowledged();
        }
    }

    @Override
    public void commit() {
        deleteAcknowledged();
    }

    /** Deletes the batches Kafka has fully acknowledged, all in one stash write. */
    private void deleteAcknowledged() {
        lastAcknowledgeNanos = System.nanoTime();
        // Called with none to delete too: it also writes the LOADED marks of batches Kafka is slow to acknowledge.
        metrics.recordBatchesDeleted(drainer.deleteAcknowledged());
    }

    @Override
    public void stop() {
        Drainer stopping = drainer;
        if (stopping == null) {
            return;
        }
        stopping.requestStop();
        try {
            stopping.stop();
        } finally {
            metrics.close();
            lease.close();
            log.info("Source task on stash {} at {} stopped", stash.id(), stash.path());
        }
    }

    /** Records Connect reported as handled without writing them to Kafka (commitRecord with null metadata). */
    long droppedRecords() {
        return drainer.droppedRecords();
    }

    /** Whether this task is its stash's drainer. */
    boolean isDrainer() {
        return drainer.draining();
    }

    @Override
    public String toString() {
        return "StashSourceTask@" + Integer.toHexString(System.identityHashCode(this));
    }
}
