package io.durastash.stash.model;

/** Receives the records a stash's drainer hands out, in stash order. */
@FunctionalInterface
public interface RecordEmitter {
    /** @param lastOfBatch whether no record of {@code batch} follows this one */
    void emit(BatchMetadata batch, BatchRecord record, boolean lastOfBatch);

    /**
     * {@code batch} was read to its end. Its last record may not have been emitted: it was set aside as damaged or
     * refused, or the {@link DeliveryGate} superseded it.
     */
    default void batchEnded(BatchMetadata batch) {
    }

    /**
     * Why the output would refuse {@code record} (too large for its topic, say), asked before it is emitted; null to
     * emit it, as by default. A record with a reason is set aside in the stash's quarantine, whole, with the reason: it
     * counts as handled, and the records after it go on.
     */
    default String refusal(BatchMetadata batch, BatchRecord record) {
        return null;
    }

    /** Whether the drainer goes on to the next batch in the same call, after {@code batch} ended; by default it does. */
    default boolean continueAfter(BatchMetadata batch) {
        return true;
    }

    /**
     * Whether this emitter takes no more records in this call (what it holds reached its bound in bytes, say): the
     * drainer stops before the next record, within a batch too, as at its {@code maxRecords}. Asked only once a record
     * was emitted in the call, so that each call hands out at least one; by default never.
     */
    default boolean full() {
        return false;
    }
}
