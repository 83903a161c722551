package io.durastash.stash.internals;

import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.BatchRecord;
import io.durastash.stash.model.DeliveryGate;
import io.durastash.stash.model.InputPartitions;
import io.durastash.stash.model.OffsetRange;
import io.durastash.stash.model.RecordEmitter;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The records a drainer hands out, in stash order: claims loadable batches in id order and streams their records,
 * keeping the current batch's reader open across calls so that a batch larger than one call is read once, in order.
 * It tells {@link Acknowledgements} what it handed out of each batch and when a batch was read to its end.
 *
 * <p>Every record passes the stash's {@link RestashMarks} and {@link DeliveryGate} first: superseded records are
 * skipped (counted, and handled as far as the batch is concerned); a record that must wait stops the stream where it is, and so does a batch with a
 * partition that must wait, until the gate decides. Then the emitter may refuse it ({@link RecordEmitter#refusal}):
 * it is set aside, handled too. Used under the drainer's lock only.
 */
public final class BatchStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchStream.class);

    /** Claims the next loadable batches, in id order; empty when none is. */
    @FunctionalInterface
    public interface Claims {
        List<BatchMetadata> next();
    }

    /** Opens a reader on a claimed batch from a record index. */
    @FunctionalInterface
    public interface Readers {
        RecordCursor open(BatchMetadata batch, int fromIndex);
    }

    /** Sets aside a record the output refuses ({@link RecordEmitter#refusal}), whole, with the reason. */
    @FunctionalInterface
    public interface Refusals {
        void setAside(BatchMetadata batch, BatchRecord record, String reason);
    }

    private final Claims claims;
    private final Readers readers;
    private final Refusals refusals;
    private final Acknowledgements acknowledgements;
    private final Supplier<DeliveryGate> gate;
    private final Supplier<RestashMarks> restashes;
    private final Deque<BatchMetadata> claimed = new ArrayDeque<>();
    private ResumePoint resumePoint = ResumePoint.NONE;
    private BatchMetadata current;
    /** The open batch's reader; null while there is none, or after {@link #reopen()} until it is opened again. */
    private RecordCursor reader;
    /** The index of the open batch's next record to read from the stash. */
    private int nextIndex;
    /** A record read but not handed out: the gate said to wait. */
    private BatchRecord held;
    private final InputPartitions partitions = new InputPartitions();
    /** The partition, batch and gate version of the last record delivered: the gate need not be asked again. */
    private TopicPartition deliveredPartition;
    private long deliveredBatch = -1;
    private long deliveredVersion;
    private long superseded;
    private boolean waiting;

    public BatchStream(Claims claims, Readers readers, Refusals refusals, Acknowledgements acknowledgements,
                       Supplier<DeliveryGate> gate, Supplier<RestashMarks> restashes) {
        this.claims = claims;
        this.readers = readers;
        this.refusals = refusals;
        this.acknowledgements = acknowledgements;
        this.gate = gate;
        this.restashes = restashes;
    }

    /** Applies the committed-offset resume rule to the batches claimed from now on. */
    public void resumeFrom(ResumePoint point) {
        this.resumePoint = point;
    }

    /**
     * Hands up to {@code maxRecords} records to {@code emitter}, fewer once it is {@link RecordEmitter#full() full},
     * continuing the open batch first. Returns how many it
     * handed out: 0 when no batch is loadable, when the gate makes the next record wait (see {@link #waiting()}), or
     * once {@code stopping} turned true.
     */
    /** Whether a call that handed out {@code emitted} records takes another: each call hands out at least one. */
    private static boolean roomFor(int emitted, int maxRecords, RecordEmitter emitter) {
        return emitted < maxRecords && !(emitted > 0 && emitter.full());
    }

    public int next(int maxRecords, RecordEmitter emitter, BooleanSupplier stopping) {
        int emitted = 0;
        waiting = false;
        DeliveryGate gate = this.gate.get();
        RestashMarks restashes = this.restashes.get();
        while (roomFor(emitted, maxRecords, emitter) && !stopping.getAsBoolean() && !waiting) {
            if (current != null && reader == null) {
                reader = readers.open(current, nextIndex); // the stash reopened: the batch goes on where it was
            }
            if (current == null && !openNextBatch(gate)) {
                break;
            }
            if (current == null) {
                continue; // the batch was already in Kafka, or superseded whole: handled without emitting
            }
            int fromBatch = 0;
            boolean end = false;
            while (roomFor(emitted, maxRecords, emitter)) {
                BatchRecord record = nextRecord();
                if (record == null) {
                    end = true; // nothing (left) to read: every remaining record was set aside or skipped
                    break;
                }
                // Requeued records are the operator's: delivered from here, whoever consumes their partition now.
                DeliveryGate.Verdict verdict = current.requeued() ? DeliveryGate.Verdict.DELIVER
                    : restashes.supersedes(record) ? DeliveryGate.Verdict.SUPERSEDED : verdict(gate, record);
                if (verdict == DeliveryGate.Verdict.WAIT) {
                    held = record;
                    waiting = true;
                    break;
                }
                boolean last;
                try {
                    last = !hasNextRecord();
                } catch (RuntimeException e) {
                    held = record; // the stash failed on the read after it: handed out first when the stream goes on
                    throw e;
                }
                if (!delivers(verdict, record, emitter)) {
                    if (last) {
                        end = true;
                        break;
                    }
                    continue;
                }
                emitter.emit(current, record, last);
                fromBatch++;
                emitted++;
                if (last) {
                    end = true;
                    break;
                }
            }
            acknowledgements.emitted(current.id(), fromBatch, end);
            if (end) {
                log.debug("Read batch {} to its end", current.id());
                BatchMetadata ended = current;
                emitter.batchEnded(ended);
                closeReader();
                if (!emitter.continueAfter(ended)) {
                    break;
                }
            }
        }
        return emitted;
    }

    /**
     * Whether {@code record} is emitted: not when the gate superseded it (counted), nor when the output would refuse it
     * (set aside); either way it is handled as far as its batch is concerned.
     */
    private boolean delivers(DeliveryGate.Verdict verdict, BatchRecord record, RecordEmitter emitter) {
        if (verdict == DeliveryGate.Verdict.SUPERSEDED) {
            superseded++;
            return false;
        }
        String refusal = emitter.refusal(current, record);
        if (refusal != null) {
            refusals.setAside(current, record, refusal);
            return false;
        }
        return true;
    }

    private DeliveryGate.Verdict verdict(DeliveryGate gate, BatchRecord record) {
        TopicPartition partition = partitions.of(record.record());
        long version = gate.version();
        if (partition == deliveredPartition && record.batchId() == deliveredBatch && version == deliveredVersion) {
            return DeliveryGate.Verdict.DELIVER;
        }
        DeliveryGate.Verdict verdict = gate.verdict(partition, record.batchId(), record.record().offset());
        if (verdict == DeliveryGate.Verdict.DELIVER) {
            deliveredPartition = partition;
            deliveredBatch = record.batchId();
            deliveredVersion = version;
        } else {
            deliveredPartition = null;
        }
        return verdict;
    }

    private BatchRecord nextRecord() {
        if (held != null) {
            BatchRecord record = held;
            held = null;
            return record;
        }
        BatchRecord record = reader.hasNext() ? reader.next() : null;
        if (record != null) {
            nextIndex = record.index() + 1;
        }
        return record;
    }

    private boolean hasNextRecord() {
        return held != null || reader.hasNext();
    }

    /** Whether the last {@link #next} stopped because the gate made a record or a batch wait. */
    public boolean waiting() {
        return waiting;
    }

    /** Records the gate superseded since this stream was created. */
    public long superseded() {
        return superseded;
    }

    /**
     * Opens the next claimed batch, claiming more when none is left. Returns false when none is loadable, or when a
     * partition of the next batch must wait (the batch stays next).
     */
    private boolean openNextBatch(DeliveryGate gate) {
        if (claimed.isEmpty()) {
            claimed.addAll(claims.next());
            if (claimed.isEmpty()) {
                return false;
            }
        }
        BatchMetadata batch = claimed.peekFirst();
        OptionalInt from = resumePoint.firstIndexToEmit(batch);
        if (from.isPresent() && !batch.requeued() && mustWait(gate, batch)) {
            waiting = true;
            return false;
        }
        claimed.removeFirst();
        if (from.isEmpty()) {
            log.debug("Batch {} ({} records) is already in Kafka per the committed offset ({}); acknowledging it without "
                + "emitting", batch.id(), batch.recordCount(), resumePoint);
            acknowledgements.nothingToEmit(batch.id());
            return true;
        }
        log.debug("Emitting batch {} (group '{}', {} records, attempt {}) from index {}", batch.id(), batch.group(),
            batch.recordCount(), batch.loadAttempts(), from.getAsInt());
        current = batch;
        nextIndex = from.getAsInt();
        reader = readers.open(batch, nextIndex);
        return true;
    }

    private static boolean mustWait(DeliveryGate gate, BatchMetadata batch) {
        for (OffsetRange range : batch.offsets()) {
            TopicPartition partition = new TopicPartition(range.topic(), range.partition());
            if (gate.verdict(partition, batch.id(), range.last()) == DeliveryGate.Verdict.WAIT) {
                return true;
            }
        }
        return false;
    }

    private void closeReader() {
        if (reader != null) {
            reader.close();
        }
        reader = null;
        current = null;
        held = null;
    }

    /**
     * Closes the open reader, keeping the stream's place: the next {@link #next} opens the batch again on what
     * {@link Readers} open then, at the record after the last one read. For a stash that reopened after an I/O failure.
     */
    public void reopen() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    /** Closes the open reader and forgets claimed batches; the stash delivers them again to the next drainer. */
    @Override
    public void close() {
        closeReader();
        claimed.clear();
    }
}
