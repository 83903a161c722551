package io.durastash.stash;

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

    /** The gate of a stash no sink connector speaks for: every record is delivered, as before ownership existed. */
    DeliveryGate OPEN = (partition, batchId, offset) -> Verdict.DELIVER;

    /** What to do now with the record of input {@code partition} at {@code offset}, stashed in batch {@code batchId}. */
    Verdict verdict(TopicPartition partition, long batchId, long offset);
}
