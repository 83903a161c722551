package io.durastash.stash.internals;

import io.durastash.stash.BatchMetadata;
import io.durastash.stash.BatchRecord;
import io.durastash.stash.RecordEmitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;

/**
 * The records a drainer hands out, in stash order: claims loadable batches in id order and streams their records,
 * keeping the current batch's reader open across calls so that a batch larger than one call is read once, in order.
 * It tells {@link Acknowledgements} what it handed out of each batch and when a batch was read to its end.
 * Used under the drainer's lock only.
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

    private final Claims claims;
    private final Readers readers;
    private final Acknowledgements acknowledgements;
    private final Deque<BatchMetadata> claimed = new ArrayDeque<>();
    private ResumePoint resumePoint = ResumePoint.NONE;
    private BatchMetadata current;
    private RecordCursor reader;

    public BatchStream(Claims claims, Readers readers, Acknowledgements acknowledgements) {
        this.claims = claims;
        this.readers = readers;
        this.acknowledgements = acknowledgements;
    }

    /** Applies the committed-offset resume rule to the batches claimed from now on. */
    public void resumeFrom(ResumePoint point) {
        this.resumePoint = point;
    }

    /**
     * Hands up to {@code maxRecords} records to {@code emitter}, continuing the open batch first. Returns how many it
     * handed out: 0 when no batch is loadable (or {@code stopping} turned true).
     */
    public int next(int maxRecords, RecordEmitter emitter, BooleanSupplier stopping) {
        int emitted = 0;
        while (emitted < maxRecords && !stopping.getAsBoolean()) {
            if (reader == null && !openNextBatch()) {
                break;
            }
            if (reader == null) {
                continue; // the batch was already in Kafka: acknowledged without emitting
            }
            int fromBatch = 0;
            boolean end = false;
            while (emitted < maxRecords) {
                if (!reader.hasNext()) {
                    end = true; // nothing (left) to read: every remaining record was set aside
                    break;
                }
                BatchRecord record = reader.next();
                boolean last = !reader.hasNext();
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
                closeReader();
            }
        }
        return emitted;
    }

    /** Opens the next claimed batch, claiming more when none is left. Returns false when none is loadable. */
    private boolean openNextBatch() {
        if (claimed.isEmpty()) {
            claimed.addAll(claims.next());
            if (claimed.isEmpty()) {
                return false;
            }
        }
        BatchMetadata batch = claimed.removeFirst();
        OptionalInt from = resumePoint.firstIndexToEmit(batch);
        if (from.isEmpty()) {
            log.debug("Batch {} ({} records) is already in Kafka per the committed offset ({}); acknowledging it without "
                + "emitting", batch.id(), batch.recordCount(), resumePoint);
            acknowledgements.nothingToEmit(batch.id());
            return true;
        }
        log.debug("Emitting batch {} (group '{}', {} records, attempt {}) from index {}", batch.id(), batch.group(),
            batch.recordCount(), batch.loadAttempts(), from.getAsInt());
        current = batch;
        reader = readers.open(batch, from.getAsInt());
        return true;
    }

    private void closeReader() {
        if (reader != null) {
            reader.close();
        }
        reader = null;
        current = null;
    }

    /** Closes the open reader and forgets claimed batches; the stash delivers them again to the next drainer. */
    @Override
    public void close() {
        closeReader();
        claimed.clear();
    }
}
