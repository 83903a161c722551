package io.durastash.stash.model;

import org.apache.kafka.common.TopicPartition;

/**
 * Which stashed records may leave the stash now. The sink side decides: it knows which input partitions its
 * consumer group assigned to this worker, and from which batch on the stash's records of a partition belong to the
 * current assignment (its <em>run</em>). A drainer asks before it hands out each record, and before it opens a batch.
 * Implementations are thread-safe and cheap: they are asked once per record.
 */
public interface DeliveryGate {
    /** What to do with one record. */
    enum Verdict {
        /** Hand it out. */
        DELIVER,
        /**
         * Never hand it out from this stash: its partition is consumed elsewhere now, or it belongs to an earlier run,
         * or it lies below what was already delivered. It counts as handled; its input offset is consumed again by the
         * partition's owner, which delivers it once.
         */
        SUPERSEDED,
        /** Not yet: whether this worker still owns its partition is being decided (a rebalance in progress). */
        WAIT
    }

    /** Delivers every record. */
    DeliveryGate OPEN = new DeliveryGate() {
        @Override
        public Verdict verdict(TopicPartition partition, long batchId, long offset) {
            return Verdict.DELIVER;
        }

        @Override
        public long version() {
            return 0;
        }
    };

    /** What to do now with the record of input {@code partition} at {@code offset}, stashed in batch {@code batchId}. */
    Verdict verdict(TopicPartition partition, long batchId, long offset);

    /**
     * Changes whenever a verdict of {@link Verdict#DELIVER} may have changed (other than for a lower offset of the same
     * partition and batch, which a drainer never asks after a higher one). While it stays the same, a record that
     * follows a delivered record of the same partition in the same batch is delivered too, and a drainer need not ask.
     * A gate that cannot say returns a new value every time.
     */
    default long version() {
        return System.nanoTime();
    }
}
