package io.durastash.source;

import io.durastash.stash.BatchMetadata;
import io.durastash.stash.BatchReader;
import io.durastash.stash.Stash;
import io.durastash.stash.StashEntry;
import io.durastash.stash.codec.RecordCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;

/**
 * The drain loop of the stash's one drainer: claims loadable batches in id order and streams their records,
 * keeping the current batch's reader open across polls so a batch larger than a poll is read once, in order.
 * It reports to {@link BatchAcknowledgements} what it emitted of each batch and when a batch was read to its
 * end. Used by the polling thread only.
 */
final class BatchDrain implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchDrain.class);

    /** Receives the records in stash order. */
    interface Emitter {
        /** @param lastOfBatch whether no record of {@code batch} follows this one */
        void emit(BatchMetadata batch, StashEntry entry, boolean lastOfBatch);
    }

    private final Stash stash;
    private final RecordCodec codec = new RecordCodec();
    private final int claimRecords;
    private final long holdMillis;
    private final BatchAcknowledgements acknowledgements;
    private final Deque<BatchMetadata> claimed = new ArrayDeque<>();
    private ResumePoint resumePoint = ResumePoint.NONE;
    private BatchMetadata current;
    private BatchReader reader;

    /**
     * @param claimRecords how many records' worth of whole batches to claim at a time
     * @param holdMillis   a batch is claimable once it is this old
     */
    BatchDrain(Stash stash, int claimRecords, long holdMillis, BatchAcknowledgements acknowledgements) {
        this.stash = stash;
        this.claimRecords = claimRecords;
        this.holdMillis = holdMillis;
        this.acknowledgements = acknowledgements;
    }

    /** Applies the committed-offset resume rule to the batches claimed from now on. */
    void resumeFrom(ResumePoint point) {
        this.resumePoint = point;
    }

    /**
     * Hands up to {@code maxRecords} records to {@code emitter}, continuing the open batch first.
     * Returns how many it emitted: 0 when no batch is loadable (or {@code stopping} turned true).
     */
    int drain(int maxRecords, Emitter emitter, BooleanSupplier stopping) {
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
                    end = true; // nothing (left) to read: every remaining record was quarantined
                    break;
                }
                StashEntry entry = reader.next();
                boolean last = !reader.hasNext();
                emitter.emit(current, entry, last);
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
            claimed.addAll(stash.claim(claimRecords, holdMillis));
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
        reader = stash.read(batch, from.getAsInt(), codec);
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
