package io.durastash.stash.internals;

import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.StashPosition;

import java.util.OptionalInt;

/**
 * The committed-offset resume rule. Connect commits a source offset (a {@link StashPosition}) only once the record
 * it belongs to, and every record before it, is in Kafka. So a batch claimed again after a restart that lies before the
 * committed batch is already in Kafka (its deletion was lost, or never happened) and is acknowledged without
 * being emitted; the committed batch itself continues after the committed index; later batches are read
 * whole. This keeps exactly-once delivery exact across restarts and saves duplicates in at-least-once mode.
 */
public final class ResumePoint {
    public static final ResumePoint NONE = new ResumePoint(null);

    private final StashPosition committed;

    private ResumePoint(StashPosition committed) {
        this.committed = committed;
    }

    /** Resumes after {@code committed}; from the start of the stash when it is null. */
    public static ResumePoint after(StashPosition committed) {
        return committed == null ? NONE : new ResumePoint(committed);
    }

    /** The first record index of {@code batch} to emit, or empty when all of it is already in Kafka. */
    public OptionalInt firstIndexToEmit(BatchMetadata batch) {
        if (committed == null || batch.id() > committed.batchId()) {
            return OptionalInt.of(0);
        }
        if (batch.id() < committed.batchId() || committed.index() >= batch.recordCount() - 1) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(committed.index() + 1);
    }

    @Override
    public String toString() {
        return committed == null ? "the start of the stash" : "after " + committed;
    }
}
