package io.durastash.source;

import io.durastash.connect.PluginMetricsGroup;
import io.durastash.stash.Stash;
import io.durastash.stash.StashLease;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Drains the stash named by its config into Kafka. One task per stash drains (the drainer); other tasks on
 * the same stash stand by and take over when it stops. A batch is deleted from the stash once Kafka has
 * acknowledged all of it; batches not acknowledged when the task stops or crashes are delivered again.
 *
 * <p>{@link #stop()} may run on another thread than {@link #poll()} (when Connect cancels a stuck task):
 * the drain lock keeps it from closing a reader that a poll is using.
 */
public class StashSourceTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(StashSourceTask.class);

    /**
     * How often a poll deletes acknowledged batches. Each deletion is a stash write that waits for the sink's synced
     * write in progress, so the drainer deletes a tenth of a second's worth at a time, not every poll.
     */
    static final long ACKNOWLEDGE_INTERVAL_MS = 100;

    private final ReentrantLock drainLock = new ReentrantLock();
    /** Orders acknowledgement flushes against the release of the drainer role: none may follow it. */
    private final Object acknowledgeLock = new Object();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final BatchAcknowledgements acknowledgements = new BatchAcknowledgements();
    private volatile boolean stopping;
    private volatile long lastAcknowledgeNanos;

    private StashSourceConfig config;
    private StashLease lease;
    private Stash stash;
    private Map<String, String> sourcePartition;
    private BatchDrain drain;
    private SourceRecordMapper mapper;
    private TransactionContext transactions;
    private SourceMetrics metrics;
    private volatile boolean drainer;
    private boolean standbyLogged;
    private volatile boolean released;
    private boolean stopped;

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
            drain = new BatchDrain(stash, config.pollMaxRecords(), config.loadHoldMs(), acknowledgements);
            transactions = context.transactionContext();
            metrics = new SourceMetrics(PluginMetricsGroup.forTask(context, "Source task on stash " + stash.path()), stash,
                this::droppedRecords, this::isDrainer);
        } catch (RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            lease.close();
            lease = null;
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
        boolean isDrainer;
        drainLock.lock();
        try {
            if (stopping) {
                return null;
            }
            if (System.nanoTime() - lastAcknowledgeNanos >= TimeUnit.MILLISECONDS.toNanos(ACKNOWLEDGE_INTERVAL_MS)) {
                flushAcknowledgements();
            }
            isDrainer = becomeDrainer();
            if (isDrainer) {
                List<SourceRecord> records = drainOnce();
                if (!records.isEmpty()) {
                    return records;
                }
            }
        } finally {
            drainLock.unlock();
        }
        if (!isDrainer) {
            // Not awaitLoadable: it returns at once while the drainer has work pending, which would spin.
            stopRequested.await(config.pollWaitMs(), TimeUnit.MILLISECONDS);
            return null;
        }
        if (!stash.awaitLoadable(config.pollWaitMs(), config.loadHoldMs()) || stopping) {
            return null;
        }
        drainLock.lock();
        try {
            if (stopping) {
                return null;
            }
            List<SourceRecord> records = drainOnce();
            return records.isEmpty() ? null : records;
        } finally {
            drainLock.unlock();
        }
    }

    /** Takes the drainer role if no task holds it, resuming from the committed offset when it does. */
    private boolean becomeDrainer() {
        if (drainer) {
            return true;
        }
        if (!stash.tryBecomeDrainer(this)) {
            if (!standbyLogged) {
                standbyLogged = true;
                log.info("Stash {} at {} is drained by another task; this task stands by and takes over when it stops",
                    stash.id(), stash.path());
            }
            return false;
        }
        drainer = true;
        // Read now rather than at start: a standby may take over long after it started, from a drainer that
        // committed offsets in the meantime.
        ResumePoint resume = ResumePoint.after(committedPosition());
        drain.resumeFrom(resume);
        log.info("Draining stash {} at {}, resuming {}", stash.id(), stash.path(), resume);
        return true;
    }

    private SourceOffsets.Position committedPosition() {
        Map<String, Object> offset = context.offsetStorageReader().offset(sourcePartition);
        try {
            return SourceOffsets.position(offset);
        } catch (ConnectException e) {
            throw new ConnectException("The committed offset of stash " + stash.id() + " at " + stash.path() + " is not "
                + "one this connector writes. " + e.getMessage() + " Reset the connector's offsets (stop it, then DELETE "
                + "/connectors/<name>/offsets) or alter them to a valid position. This task will be stopped.", e);
        }
    }

    private List<SourceRecord> drainOnce() {
        List<SourceRecord> records = drainRecords();
        metrics.recordEmitted(records.size());
        return records;
    }

    private List<SourceRecord> drainRecords() {
        List<SourceRecord> records = new ArrayList<>();
        drain.drain(config.pollMaxRecords(), (batch, entry, lastOfBatch) -> {
            SourceRecord record = mapper.toSourceRecord(batch, entry);
            records.add(record);
            if (lastOfBatch && transactions != null) {
                transactions.commitTransaction(record);
            }
        }, () -> stopping);
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
        acknowledgements.acknowledged(batchId, metadata == null);
        if (metadata != null) {
            metrics.recordAcknowledged();
        }
    }

    @Override
    public void commit() {
        flushAcknowledgements();
    }

    /** Deletes the batches Kafka has fully acknowledged, all in one stash write. */
    private void flushAcknowledgements() {
        synchronized (acknowledgeLock) {
            if (released || stash == null) {
                return;
            }
            lastAcknowledgeNanos = System.nanoTime();
            List<Long> complete = acknowledgements.takeCompleted();
            // Called with none too: it also writes the LOADED marks of batches Kafka has not acknowledged for a while.
            stash.acknowledge(complete);
            if (!complete.isEmpty()) {
                metrics.recordBatchesDeleted(complete.size());
                log.debug("Deleted {} acknowledged batches from stash {}: {}", complete.size(), stash.id(), complete);
            }
        }
    }

    @Override
    public void stop() {
        stopping = true;
        stopRequested.countDown();
        Stash toWake = stash;
        if (toWake != null) {
            toWake.wakeUpWaiters();
        }
        drainLock.lock();
        try {
            if (stopped || lease == null) {
                return;
            }
            stopped = true;
            drain.close();
            synchronized (acknowledgeLock) {
                flushAcknowledgements();
                int inFlight = acknowledgements.batchesInFlight();
                stash.releaseDrainer(this);
                released = true;
                acknowledgements.clear();
                if (drainer) {
                    log.info("Source task stopped draining stash {} at {}; {} batches in flight will be delivered again, "
                        + "{} records were dropped by the framework", stash.id(), stash.path(), inFlight, droppedRecords());
                }
            }
            metrics.close();
            lease.close();
            log.info("Source task on stash {} at {} stopped", stash.id(), stash.path());
        } finally {
            drainLock.unlock();
        }
    }

    /** Records Connect reported as handled without writing them to Kafka (commitRecord with null metadata). */
    public long droppedRecords() {
        return acknowledgements.droppedRecords();
    }

    /** Whether this task is its stash's drainer. */
    boolean isDrainer() {
        return drainer && !released;
    }

    @Override
    public String toString() {
        return "StashSourceTask@" + Integer.toHexString(System.identityHashCode(this));
    }
}
