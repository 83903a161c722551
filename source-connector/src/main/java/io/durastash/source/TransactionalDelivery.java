package io.durastash.source;

import io.durastash.connect.StashInput;
import io.durastash.connect.SwitchedOff;
import io.durastash.stash.Drainer;
import io.durastash.stash.Stash;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.BatchRecord;
import io.durastash.stash.model.InputPartitions;
import io.durastash.stash.model.RecordEmitter;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Delivers a stash with {@code input.commit=transactional}: each stash batch is one Kafka transaction of a producer of
 * this task's own, which writes the batch's records to the output topics and commits the input offsets they came from
 * to the sink connector's consumer group ({@code sendOffsetsToTransaction}, KIP-447), under the group generation of the
 * sink task here that owns each partition. The group coordinator refuses that commit from a member the group has moved
 * on from, so a worker that lost a partition (killed, frozen past its session, cut off) can never make its records of
 * that partition visible: the transaction aborts. A {@code read_committed} reader then sees each input record once,
 * whichever worker delivers it, and the committed input offsets are exactly what was delivered.
 *
 * <p>The records are converted as Connect would (the connector's key, value and header converters), but they do not
 * pass Connect's producer: this task's {@code poll()} returns nothing. The transactional id names the stash, so a new
 * drainer of the same stash fences a zombie one. Not thread-safe: the task's poll thread only.
 */
final class TransactionalDelivery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransactionalDelivery.class);
    /** The transaction timeout unless {@code producer.override.transaction.timeout.ms} says otherwise. */
    static final int TRANSACTION_TIMEOUT_MS = 30_000;
    private static final String PRODUCER_OVERRIDE = "producer.override.";

    private final String name;
    private final Stash stash;
    private final StashSourceConfig config;
    private final Map<String, String> taskConfig;
    private final Function<SourceRecord, ProducerRecord<byte[], byte[]>> converter;
    private final SourceMetrics metrics;
    private final OutputLimits limits;
    /** Records the output refused in a transaction that then aborted, with the reason: set aside when next emitted. */
    private final Map<RecordId, String> refusedBefore = new HashMap<>();
    private Producer<byte[], byte[]> producer;
    /** A transaction left open because the delivery gate held back the rest of its last batch: the next call goes on. */
    private Transaction held;

    /** A record of the stash: its batch and its index there. */
    private record RecordId(long batchId, int index) {
        static RecordId of(BatchRecord record) {
            return new RecordId(record.batchId(), record.index());
        }
    }

    TransactionalDelivery(String name, Stash stash, StashSourceConfig config, Map<String, String> taskConfig,
                          Function<SourceRecord, ProducerRecord<byte[], byte[]>> converter, SourceMetrics metrics,
                          OutputLimits limits) {
        this.name = name;
        this.limits = limits;
        this.stash = stash;
        this.config = config;
        this.taskConfig = taskConfig;
        this.converter = converter;
        this.metrics = metrics;
    }

    /** One transaction's records and the input offsets it commits, per owning member. */
    private final class Transaction implements RecordEmitter {
        final SourceRecordMapper mapper;
        final StashInput input;
        final Map<ConsumerGroupMetadata, Map<TopicPartition, OffsetAndMetadata>> offsets = new LinkedHashMap<>();
        final Map<TopicPartition, Long> next = new HashMap<>();
        final List<Long> batchIds = new ArrayList<>();
        final AtomicReference<Exception> sendFailure = new AtomicReference<>();
        /** The record whose send failed first: the one the output refused, when the failure is about a record. */
        final AtomicReference<RecordId> failedRecord = new AtomicReference<>();
        /** The record {@link #refusal} converted, for {@link #emit} to send. */
        BatchRecord checked;
        ProducerRecord<byte[], byte[]> converted;
        /** The member whose offsets are being committed; the one the group refused when that fails. */
        ConsumerGroupMetadata committingUnder;
        final InputPartitions partitions = new InputPartitions();
        /** Until when it gathers loadable batches: {@code transaction.max.ms} after it began. */
        final long gatherUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.transactionMaxMs());
        int records;
        boolean open;
        /** Whether the last record emitted was not the last of its batch: the transaction ends with the batch. */
        boolean inBatch;

        Transaction(SourceRecordMapper mapper, StashInput input) {
            this.mapper = mapper;
            this.input = input;
        }

        /**
         * Converts the record as it will be sent and checks its size against the output's limits; a record the output
         * refused in an aborted transaction is refused again. A refused record's input offset is committed with the
         * transaction: it is handled, kept in the quarantine.
         */
        @Override
        public String refusal(BatchMetadata batch, BatchRecord record) {
            TopicPartition partition = partitions.of(record.record());
            String reason = refusedBefore.remove(RecordId.of(record));
            if (reason == null) {
                checked = record;
                converted = converter.apply(mapper.toSourceRecord(batch, record, partition));
                reason = limits.refusalByOwnProducer(converted.topic(), OutputLimits.sizeInBytes(converted));
            }
            if (reason != null) {
                handled(batch, partition, record);
            }
            return reason;
        }

        @Override
        public void emit(BatchMetadata batch, BatchRecord record, boolean lastOfBatch) {
            TopicPartition partition = partitions.of(record.record());
            if (!open) {
                producer.beginTransaction();
                open = true;
            }
            ProducerRecord<byte[], byte[]> sent = checked == record ? converted
                : converter.apply(mapper.toSourceRecord(batch, record, partition));
            checked = null;
            converted = null;
            RecordId id = RecordId.of(record);
            producer.send(sent, (metadata, error) -> {
                if (error != null && sendFailure.compareAndSet(null, error)) {
                    failedRecord.set(id);
                }
            });
            handled(batch, partition, record);
            batchIds.add(record.batchId());
            records++;
            inBatch = !lastOfBatch;
        }

        /**
         * Commits {@code record}'s input offset with this transaction, under the member that owns its partition; none
         * for a requeued record, whose input offset was committed when it was set aside.
         */
        private void handled(BatchMetadata batch, TopicPartition partition, BatchRecord record) {
            if (batch.requeued()) {
                return;
            }
            ConsumerGroupMetadata owner = input.owner(partition);
            if (owner == null) {
                throw new IllegalStateException("no owner of " + partition + " in this worker"); // the gate waits for one
            }
            long following = record.record().offset() + 1;
            offsets.computeIfAbsent(owner, o -> new HashMap<>())
                .merge(partition, new OffsetAndMetadata(following, StashInput.COMMIT_METADATA),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
            next.merge(partition, following, Math::max);
        }

        @Override
        public void batchEnded(BatchMetadata batch) {
            inBatch = false;
        }

        @Override
        public boolean continueAfter(BatchMetadata batch) {
            return records < config.pollMaxRecords() || gathering();
        }

        boolean gathering() {
            return System.nanoTime() - gatherUntilNanos < 0;
        }
    }

    /**
     * Delivers the next whole stash batches in one transaction: those loadable within {@code transaction.max.ms}, or
     * about {@code poll.max.records} records when that is 0. A batch is never split between transactions. When the delivery gate holds back the rest of a batch (a rebalance of the
     * sink's group is deciding where its partitions go), the transaction stays open and the next call goes on with it;
     * should the group have moved on meanwhile, the commit of its input offsets is refused and it aborts whole. A
     * transaction costs two round trips to the coordinators whatever it holds, so small batches share one. Returns how
     * many records it made visible: 0 when nothing was loadable, while a batch is held back, or when the transaction
     * aborted (its batches are handed out again, by what the delivery gate lets through then).
     */
    int deliver(Drainer drainer, StashInput input, SourceRecordMapper mapper) {
        if (!ready(input)) {
            return 0;
        }
        Transaction txn = held != null ? held : new Transaction(mapper, input);
        held = null;
        try {
            // Whole batches while loadable and the transaction gathers; a batch it began is finished in it.
            while (drainer.drain(config.pollMaxRecords(), txn) > 0 && (txn.inBatch || txn.gathering())) {
                log.trace("Stash {}: batch continues past {} records in one transaction", stash.path(), txn.records);
            }
            if (txn.inBatch && txn.open) {
                log.debug("Stash {}: the delivery gate holds back the rest of batch {}; its transaction stays open",
                    stash.path(), txn.batchIds.get(txn.batchIds.size() - 1));
                held = txn;
                return 0;
            }
            if (txn.offsets.isEmpty() && !txn.open) {
                return 0;
            }
            if (!txn.open) {
                producer.beginTransaction(); // only records set aside: their input offsets are committed all the same
                txn.open = true;
            }
            for (Map.Entry<ConsumerGroupMetadata, Map<TopicPartition, OffsetAndMetadata>> owner : txn.offsets.entrySet()) {
                txn.committingUnder = owner.getKey();
                producer.sendOffsetsToTransaction(owner.getValue(), SwitchedOff.GENERATION.isOff()
                    ? new ConsumerGroupMetadata(owner.getKey().groupId()) : owner.getKey());
            }
            txn.committingUnder = null;
            producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            log.warn("Stash {}: another drainer of this stash took over its transactions ({}); {} starts over", stash.path(),
                e.getMessage(), name);
            closeProducer();
            drainer.rewind();
            return 0;
        } catch (TopicAuthorizationException e) {
            return aborted(drainer, txn, e); // about the records of one topic: set aside, the others go on
        } catch (AuthorizationException | UnsupportedVersionException e) {
            throw new ConnectException("Stash " + stash.path() + ": cannot deliver in transactions: " + e.getMessage()
                + ". input.commit=transactional needs brokers of Kafka 2.5 or later and, on a secured cluster, WRITE on "
                + "the transactional id '" + transactionalId() + "', WRITE on the output topics and READ on the sink "
                + "connector's consumer group for the principal of the sink's consumers. This task will be stopped.", e);
        } catch (CommitFailedException e) {
            log.info("Stash {}: the sink's group refused the input offsets of a transaction of {} records under {} ({}); "
                + "the transaction is aborted, and its records wait for the partitions' next assignment", stash.path(),
                txn.records, txn.committingUnder, e.getMessage());
            if (txn.committingUnder != null) {
                input.refused(txn.committingUnder);
            }
            abort();
            drainer.rewind();
            return 0;
        } catch (KafkaException | IllegalStateException e) {
            return aborted(drainer, txn, e);
        }
        for (long batchId : txn.batchIds) {
            drainer.acknowledged(batchId, false);
        }
        input.delivered(txn.next);
        metrics.recordTransaction();
        metrics.recordEmitted(txn.records);
        metrics.recordAcknowledged(txn.records);
        log.debug("Stash {}: delivered {} records of batches {} in one transaction", stash.path(), txn.records,
            txn.batchIds.isEmpty() ? "-" : txn.batchIds.get(0) + ".." + txn.batchIds.get(txn.batchIds.size() - 1));
        return txn.records;
    }

    /**
     * Aborts a transaction that failed and hands its records out again. When it failed because the output refused one
     * record (too large, invalid, its topic refuses this producer), that record is set aside when it comes again.
     */
    private int aborted(Drainer drainer, Transaction txn, Exception failure) {
        Exception cause = txn.sendFailure.get() != null ? txn.sendFailure.get() : failure;
        boolean aboutRecord = cause instanceof RecordTooLargeException || cause instanceof InvalidRecordException
            || cause instanceof TopicAuthorizationException || cause instanceof PolicyViolationException;
        RecordId refused = aboutRecord ? txn.failedRecord.get() : null;
        if (refused != null) {
            refusedBefore.put(refused, cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
        log.warn("Stash {}: a transaction of {} records aborted ({}); they are handed out again to whichever worker "
            + "owns their partitions now{}", stash.path(), txn.records, cause.toString(), refused == null ? ""
                : ", except record " + refused.index() + " of batch " + refused.batchId() + ", which the output "
                + "refused: it is set aside");
        abort();
        drainer.rewind();
        return 0;
    }

    /** Whether the producer is there and its transactions initialized; tries to make it so. */
    private boolean ready(StashInput input) {
        if (producer != null) {
            return true;
        }
        Producer<byte[], byte[]> created = new KafkaProducer<>(producerConfig(input), new ByteArraySerializer(),
            new ByteArraySerializer());
        try {
            created.initTransactions();
        } catch (KafkaException e) {
            created.close(Duration.ZERO);
            log.warn("Stash {}: could not initialize the transactions of {} ({}); trying again", stash.path(),
                transactionalId(), e.toString());
            return false;
        }
        producer = created;
        log.info("Stash {}: {} delivers in transactions as '{}', committing the input offsets with them", stash.path(),
            name, transactionalId());
        return true;
    }

    String transactionalId() {
        return "durastash-" + stash.id();
    }

    private Map<String, Object> producerConfig(StashInput input) {
        Map<String, Object> producer = new HashMap<>();
        Map<String, Object> client = input.clientConfig();
        for (String key : ProducerConfig.configNames()) {
            if (client.containsKey(key)) {
                producer.put(key, client.get(key));
            }
        }
        producer.remove(ProducerConfig.CLIENT_ID_CONFIG);
        producer.remove(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG);
        producer.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        taskConfig.forEach((key, value) -> {
            if (key.startsWith(PRODUCER_OVERRIDE)) {
                producer.put(key.substring(PRODUCER_OVERRIDE.length()), value);
            }
        });
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, "durastash-" + name);
        producer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId());
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        producer.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        return producer;
    }

    private void abort() {
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            log.debug("Stash {}: could not abort the transaction ({}); closing the producer", stash.path(), e.toString());
            closeProducer();
        }
    }

    private void closeProducer() {
        held = null;
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    /** Closes the producer; a transaction still open is aborted by the broker (or fenced by the next drainer). */
    @Override
    public void close() {
        closeProducer();
    }
}
