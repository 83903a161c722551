package io.durastash.stash;

/** Receives the records a {@link Drainer} hands out, in stash order. */
@FunctionalInterface
public interface RecordEmitter {
    /** @param lastOfBatch whether no record of {@code batch} follows this one */
    void emit(BatchMetadata batch, BatchRecord record, boolean lastOfBatch);
}
