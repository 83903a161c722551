package io.durastash.stash.internals;

import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.OffsetRange;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UndeliveredOffsetsTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private final UndeliveredOffsets undelivered = new UndeliveredOffsets();

    private static BatchMetadata batch(long id, OffsetRange... ranges) {
        return BatchMetadata.pending(id, "g", 1, 1, 0, List.of(ranges));
    }

    @Test
    void theWatermarkIsTheFirstOffsetOfTheOldestLiveBatch() {
        undelivered.add(batch(1, new OffsetRange("t", 0, 10, 19), new OffsetRange("t", 1, 5, 5)));
        undelivered.add(batch(2, new OffsetRange("t", 0, 20, 29)));

        assertEquals(OptionalLong.of(10), undelivered.firstAtOrAfter(P0, 0));
        assertEquals(OptionalLong.of(5), undelivered.firstAtOrAfter(P1, 0));
        undelivered.remove(List.of(1L));
        assertEquals(OptionalLong.of(20), undelivered.firstAtOrAfter(P0, 0));
        assertEquals(OptionalLong.empty(), undelivered.firstAtOrAfter(P1, 0), "everything of t-1 is delivered");
        undelivered.remove(List.of(2L, 99L));
        assertEquals(OptionalLong.empty(), undelivered.firstAtOrAfter(P0, 0));
    }

    @Test
    void recordsBelowTheFloorDoNotHoldItBack() {
        // Stashed before the partition moved away; delivered elsewhere since, so the floor is past most of them.
        undelivered.add(batch(1, new OffsetRange("t", 0, 100, 199)));
        undelivered.add(batch(2, new OffsetRange("t", 0, 200, 299)));
        undelivered.add(batch(3, new OffsetRange("t", 0, 500, 510)));

        assertEquals(OptionalLong.of(250), undelivered.firstAtOrAfter(P0, 250), "inside a live range: the floor");
        assertEquals(OptionalLong.of(500), undelivered.firstAtOrAfter(P0, 300), "between ranges: the next range");
        assertEquals(OptionalLong.empty(), undelivered.firstAtOrAfter(P0, 511));
    }

    @Test
    void aRangeStashedAgainAfterAResetCountsFromItsOwnFirstOffset() {
        undelivered.add(batch(1, new OffsetRange("t", 0, 100, 199)));
        undelivered.add(batch(2, new OffsetRange("t", 0, 0, 49)));

        assertEquals(OptionalLong.of(0), undelivered.firstAtOrAfter(P0, 0));
        undelivered.remove(List.of(2L));
        assertEquals(OptionalLong.of(100), undelivered.firstAtOrAfter(P0, 0));
    }
}
