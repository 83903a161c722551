package io.durastash.source;

import io.durastash.connect.PluginMetricsGroup;
import io.durastash.connect.StashInput;
import io.durastash.connect.StashInputs;
import io.durastash.connect.StashOwners;
import io.durastash.stash.Drainer;
import io.durastash.stash.Stash;
import io.durastash.stash.StashRegistry;
import io.durastash.stash.Version;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.BatchRecord;
import io.durastash.stash.model.InputPartitions;
import io.durastash.stash.model.RecordEmitter;
import io.durastash.stash.model.StashPosition;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Drains the stash named by its config into Kafka, through the stash's {@link Drainer}: one task per stash drains,
 * the others stand by and take over when it stops. A batch is deleted from the stash once Kafka has acknowledged all
 * of it; batches not acknowledged when the task stops or crashes are delivered again. Only records the stash's
 * delivery gate lets through leave it (their input partition is this worker's). When the sink commits input offsets
 * in transactions ({@code input.commit=transactional}), the records go through a producer of the task's own
 * ({@link TransactionalDelivery}) and {@link #poll()} returns none; otherwise through Connect's, telling the sink side
 * what is in flight per input partition. The drainer's lock lets {@link #stop()} run on another thread than
 * {@link #poll()} (when Connect cancels a stuck task).
 */
public class StashSourceTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(StashSourceTask.class);

    /**
     * How often a poll deletes acknowledged batches. Each deletion is a stash write that waits for the sink's synced
     * write in progress, so the drainer deletes a tenth of a second's worth at a time, not every poll.
     */
    static final long ACKNOWLEDGE_INTERVAL_MS = 100;
    /** The {@code input.commit} value whose records leave only in the sink side's transactions. */
    private static final String TRANSACTIONAL_MODE = "transactional";
    /** How long records wait for a transactional sink side to come back: as long as a stash waits for a sink task. */
    static final long INPUT_AWAITED_MS = 60_000;

    private StashSourceConfig config;
    private StashRegistry.Lease lease;
    private Stash stash;
    private Map<String, String> sourcePartition;
    private volatile Drainer drainer;
    private SourceRecordMapper mapper;
    private TransactionContext transactions;
    private SourceMetrics metrics;
    private Map<String, String> props;
    private TransactionalDelivery transactional;
    private OutputLimits limits;
    private volatile long lastAcknowledgeNanos;
    /** Since when the sink side has been gone from this worker; 0 while it is here. */
    private long inputGoneSince;
    /** Whether the sink side that went wrote with input.commit=transactional; null while it is here. */
    private Boolean inputWasTransactional;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new StashSourceConfig(props);
        if (config.connectorName() == null || config.connectorName().isBlank()) {
            throw new ConnectException("The task config has no connector name ('name'), which owns the stash with its "
                + "sink's. Start this task through StashSourceConnector. This task will be stopped.");
        }
        this.props = Map.copyOf(props);
        lastAcknowledgeNanos = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(ACKNOWLEDGE_INTERVAL_MS);
        lease = StashRegistry.jvm().acquire(config.stashPath(), config.stashOptions());
        try {
            stash = lease.stash();
            StashOwners.claim(stash.path(), StashOwners.Role.SOURCE, config.connectorName());
            sourcePartition = SourceOffsets.partition(stash.id());
            mapper = new SourceRecordMapper(sourcePartition, config.topicTemplate(), config.preservePartition(),
                config.provenance(), config.loopMark(stash.id()));
            drainer = stash.drainer(toString(), config.pollMaxRecords(), config.loadHoldMs());
            transactions = context.transactionContext();
            limits = new OutputLimits(props, () -> StashInputs.jvm().of(stash.path()).map(StashInput::clientConfig)
                .orElse(null), Clock.systemUTC());
            metrics = new SourceMetrics(PluginMetricsGroup.forTask(context, "Source task on stash " + stash.path()), stash,
                drainer);
        } catch (RuntimeException e) {
            if (drainer != null) {
                drainer.stop();
                drainer = null;
            }
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
        StashInput input = StashInputs.jvm().of(stash.path()).orElse(null);
        if (input != null) {
            inputGoneSince = 0;
            inputWasTransactional = null;
        }
        if (input != null && input.transactional()) {
            if (transactional().deliver(drainer, input, mapper) == 0) {
                drainer.awaitWork(config.pollWaitMs());
            }
            return null;
        }
        if (input == null && awaitsTransactionalInput()) {
            drainer.awaitWork(config.pollWaitMs());
            return null;
        }
        List<SourceRecord> records = drain(input);
        if (records.isEmpty() && drainer.awaitWork(config.pollWaitMs())) {
            records = drain(input);
        }
        return records.isEmpty() ? null : records;
    }

    /**
     * Whether records wait for the sink side because its sink writes with {@code input.commit=transactional} and has no
     * task in this worker now (it is restarting, or its partitions move): its records leave only in the transactions
     * that commit their input offsets, never through Connect's producer. For {@link #INPUT_AWAITED_MS} at most; after
     * that the stash's gate decides, as for any stash no sink task claims. Decided once when the sink side goes: only
     * the sink records its name and its mode, and it is not here.
     */
    private boolean awaitsTransactionalInput() {
        long now = System.currentTimeMillis();
        if (inputWasTransactional == null) {
            String sink = StashOwners.read(stash.path()).sink();
            inputWasTransactional = sink != null && TRANSACTIONAL_MODE.equals(stash.ledger(sink).mode());
            inputGoneSince = now;
        }
        return inputWasTransactional && now - inputGoneSince < INPUT_AWAITED_MS;
    }

    private TransactionalDelivery transactional() {
        if (transactional == null) {
            transactional = new TransactionalDelivery(toString(), stash, config, props, new RecordConverter(props),
                metrics, limits);
        }
        return transactional;
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

    /**
     * Hands out the next records for Connect's producer; {@code input}: the sink side to tell, or null. With Connect's
     * transactions (one per stash batch) a poll ends where a batch ends, finishing the batch it is in even past
     * {@code poll.max.records}: a transaction left open between polls would stay open through a pause of the connector
     * (Connect commits on pause only what the connector asked for), time out, and fence the task when it resumes.
     */
    private List<SourceRecord> drain(StashInput input) {
        PollEmitter emitter = new PollEmitter(input);
        while (drainer.drain(config.pollMaxRecords(), emitter) > 0 && transactions != null && emitter.inBatch) {
            log.trace("Stash {}: batch continues past {} records in one poll, one transaction", stash.path(),
                emitter.records.size());
        }
        metrics.recordEmitted(emitter.records.size());
        return emitter.records;
    }

    /** One poll's records for Connect's producer, with the transaction boundaries and the sink side told. */
    private final class PollEmitter implements RecordEmitter {
        final List<SourceRecord> records = new ArrayList<>();
        private final StashInput input;
        private final InputPartitions partitions = new InputPartitions();
        private boolean commitAsked;
        /** The bytes the records take in the stash: {@code poll.max.bytes} bounds them. */
        private long bytes;
        private final long maxBytes = config.pollMaxBytes();
        /** Whether the last record emitted was not the last of its batch. */
        boolean inBatch;

        PollEmitter(StashInput input) {
            this.input = input;
        }

        @Override
        public void emit(BatchMetadata batch, BatchRecord record, boolean lastOfBatch) {
            TopicPartition partition = partitions.of(record.record());
            SourceRecord sourceRecord = mapper.toSourceRecord(batch, record, partition);
            records.add(sourceRecord);
            bytes += record.storedBytes();
            if (input != null && !batch.requeued()) {
                input.emitted(partition, record.record().offset());
            }
            inBatch = !lastOfBatch;
            commitAsked = lastOfBatch && transactions != null;
            if (commitAsked) {
                transactions.commitTransaction(sourceRecord);
            }
        }

        @Override
        public String refusal(BatchMetadata batch, BatchRecord record) {
            return limits.refusal(mapper.topicFor(record.record()), mapper.sizeInBytes(batch, record));
        }

        @Override
        public boolean continueAfter(BatchMetadata batch) {
            return records.size() < config.pollMaxRecords();
        }

        /** Past {@code poll.max.bytes}; never within a batch that Connect's transaction must hold whole. */
        @Override
        public boolean full() {
            return bytes >= maxBytes && !(transactions != null && inBatch);
        }

        @Override
        public void batchEnded(BatchMetadata batch) {
            if (transactions != null && !commitAsked && !records.isEmpty()) {
                transactions.commitTransaction(); // the batch's last records were not emitted
            }
            commitAsked = false;
            inBatch = false;
        }
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
            metrics.acknowledgedOne();
        }
        if (record.sourceOffset() instanceof SourceOffsets.Offset offset && offset.input() != null) {
            StashInputs.jvm().of(stash.path()).ifPresent(input -> input.acknowledged(offset.input(), offset.inputOffset()));
        }
    }

    @Override
    public void commit() {
        if (drainer != null) { // Connect's offset committer may call before start() is through
            deleteAcknowledged();
        }
    }

    /** Deletes the batches Kafka has fully acknowledged, all in one stash write. */
    private void deleteAcknowledged() {
        lastAcknowledgeNanos = System.nanoTime();
        metrics.recordAcknowledgements();
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
            if (transactional != null) {
                transactional.close();
            }
            limits.close();
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
