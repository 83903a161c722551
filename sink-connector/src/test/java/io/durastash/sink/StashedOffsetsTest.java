package io.durastash.sink;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.durastash.sink.SinkFixture.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class StashedOffsetsTest {
    private static final TopicPartition P0 = tp("t", 0);
    private static final TopicPartition P1 = tp("t", 1);
    private static final TopicPartition P2 = tp("t", 2);

    @Test
    void seedsFromTheStash() {
        StashedOffsets offsets = new StashedOffsets();
        offsets.track(List.of(P0, P1), Map.of(P0, 9L, P2, 100L));
        assertEquals(9L, offsets.lastStashed(P0));
        assertNull(offsets.lastStashed(P1));
        assertNull(offsets.lastStashed(P2), "only the named partitions are tracked");
        assertEquals(Set.of(P2), offsets.untracked(List.of(P0, P1, P2)));
    }

    @Test
    void advancesMonotonically() {
        StashedOffsets offsets = new StashedOffsets();
        offsets.advance(Map.of(P0, 5L));
        offsets.advance(Map.of(P0, 3L));
        assertEquals(5L, offsets.lastStashed(P0));
    }

    @Test
    void forgetsClosedPartitionsAndReseedsOnReopen() {
        StashedOffsets offsets = new StashedOffsets();
        offsets.track(List.of(P0), Map.of(P0, 4L));
        offsets.forget(List.of(P0));
        assertNull(offsets.lastStashed(P0));
        assertEquals(Set.of(P0), offsets.untracked(List.of(P0)));
        offsets.track(List.of(P0), Map.of(P0, 8L)); // another task stashed more meanwhile
        assertEquals(8L, offsets.lastStashed(P0));
        offsets.track(List.of(P0), Map.of());      // reset while away
        assertNull(offsets.lastStashed(P0));
    }

    @Test
    void committableIsTheNextOffsetNeverPastTheConsumer() {
        StashedOffsets offsets = new StashedOffsets();
        offsets.advance(Map.of(P0, 9L, P1, 20L));
        Map<TopicPartition, OffsetAndMetadata> committable = offsets.committable(Map.of(
            P0, new OffsetAndMetadata(15), P1, new OffsetAndMetadata(12), P2, new OffsetAndMetadata(3)));
        assertEquals(Map.of(P0, new OffsetAndMetadata(10), P1, new OffsetAndMetadata(12)), committable);
    }
}
