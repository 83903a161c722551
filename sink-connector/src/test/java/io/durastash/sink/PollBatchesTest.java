package io.durastash.sink;

import io.durastash.stash.model.EncodedRecord;
import io.durastash.stash.model.NewBatch;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.durastash.sink.SinkFixture.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PollBatchesTest {
    private static final TopicPartition A0 = tp("a", 0);
    private static final TopicPartition A1 = tp("a", 1);

    @Test
    void nothingHandledMeansNoAppend() {
        assertTrue(new PollBatches().isEmpty());
    }

    @Test
    void returningToAnEarlierGroupStartsALaterBatchOfIt() {
        PollBatches poll = new PollBatches();
        poll.add("x", record(A0, 0));
        poll.add("y", record(A1, 0));
        poll.add("x", record(A1, 1)); // x's first batch comes before y's, where a-1 already is
        poll.add("x", record(A0, 1)); // joins x's latest batch: a-0's previous record is in x's first, before it
        StashAppend append = poll.append();
        assertEquals(List.of("x:[a-0@0]", "y:[a-1@0]", "x:[a-1@1, a-0@1]"), describe(append));
        assertEquals(Map.of(A0, 1L, A1, 1L), append.offsets());
    }

    @Test
    void aPartitionMayMoveToALaterGroupInTheSameBatches() {
        PollBatches poll = new PollBatches();
        poll.add("x", record(A0, 0));
        poll.add("y", record(A0, 1));
        poll.add("x", record(A1, 0));
        poll.add("y", record(A1, 1));
        poll.add("y", record(A0, 2));
        StashAppend append = poll.append();
        assertEquals(List.of("x:[a-0@0, a-1@0]", "y:[a-0@1, a-1@1, a-0@2]"), describe(append));
        assertEquals(Map.of(A0, 2L, A1, 1L), append.offsets());
        assertEquals(5, append.batches().stream().mapToInt(b -> b.records().size()).sum());
        assertEquals(5, append.batches().stream().mapToLong(NewBatch::byteSize).sum());
    }

    @Test
    void theAppendCarriesTheOffsetsOfReportedRecordsToo() {
        PollBatches poll = new PollBatches();
        poll.add("x", record(A0, 10));
        poll.handled(A0, 12);          // reported, not stashed
        poll.handled(A1, 7);
        StashAppend append = poll.append();
        assertEquals(Map.of(A0, 12L, A1, 7L), append.offsets());
    }

    @Test
    void onlyReportedRecordsStillMakeAnAppendForTheirOffsets() {
        PollBatches poll = new PollBatches();
        poll.handled(A0, 3);
        StashAppend append = poll.append();
        assertEquals(List.of(), append.batches());
        assertEquals(Map.of(A0, 3L), append.offsets());
    }

    @Test
    void aRunOfOneGroupAndPartitionStaysInItsBatchUntilAnotherGroupOrPartitionComes() {
        PollBatches poll = new PollBatches();
        poll.add("x", record(A0, 0));
        assertFalse(poll.isEmpty());
        poll.add("x", record(A0, 1));
        poll.add("x", record(A0, 2));
        poll.add("x", record(A1, 0));
        poll.add("x", record(A1, 1));
        poll.add("y", record(A0, 3));
        poll.add("y", record(A0, 4));
        poll.add("x", record(A0, 5)); // after a-0's y-records: a later x batch
        poll.add("x", record(A0, 6));
        StashAppend append = poll.append();
        assertEquals(List.of("x:[a-0@0, a-0@1, a-0@2, a-1@0, a-1@1]", "y:[a-0@3, a-0@4]", "x:[a-0@5, a-0@6]"),
            describe(append));
        assertEquals(Map.of(A0, 6L, A1, 1L), append.offsets());
        assertEquals(List.of(A0, A1), List.copyOf(append.offsets().keySet()), "partitions in the order first handled");
    }

    @Test
    void aRunEndsOnAReportedRecordAndEitherKeepsTheHighestOffset() {
        PollBatches poll = new PollBatches();
        poll.add("x", record(A0, 5));
        poll.add("x", record(A0, 6));
        poll.handled(A0, 4);
        poll.add("x", record(A0, 7)); // the same batch, after the run ended
        poll.add("x", record(A1, 2));
        poll.handled(A1, 9);
        poll.add("x", record(A1, 3));
        StashAppend append = poll.append();
        assertEquals(List.of("x:[a-0@5, a-0@6, a-0@7, a-1@2, a-1@3]"), describe(append));
        assertEquals(Map.of(A0, 7L, A1, 9L), append.offsets());
    }

    @Test
    void sharingPartitionInstancesGivesTheSameBatchesAndOffsetsAsEqualCopies() {
        List<TopicPartition> partitions = List.of(A0, A1, tp("b", 0));
        Map<TopicPartition, Long> next = new HashMap<>();
        PollBatches shared = new PollBatches();
        PollBatches copies = new PollBatches(); // never the same instance twice: every record takes the lookups
        Random random = new Random(42);
        for (int run = 0; run < 200; run++) {
            TopicPartition partition = partitions.get(random.nextInt(partitions.size()));
            String group = random.nextBoolean() ? "x" : "y";
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                long offset = next.merge(partition, 1L, Long::sum);
                TopicPartition copy = tp(partition.topic(), partition.partition());
                if (random.nextInt(10) == 0) {
                    shared.handled(partition, offset);
                    copies.handled(copy, offset);
                } else {
                    shared.add(group, record(partition, offset));
                    copies.add(new String(group), record(copy, offset));
                }
            }
        }
        StashAppend expected = copies.append();
        StashAppend actual = shared.append();
        assertTrue(expected.batches().size() > 2, "the sequence interleaves groups within partitions");
        assertEquals(describe(expected), describe(actual));
        assertEquals(expected.offsets(), actual.offsets());
        assertEquals(List.copyOf(expected.offsets().keySet()), List.copyOf(actual.offsets().keySet()));
    }

    private static EncodedRecord record(TopicPartition partition, long offset) {
        return new EncodedRecord(partition, offset, new byte[] {(byte) offset});
    }

    private static List<String> describe(StashAppend append) {
        List<String> out = new ArrayList<>();
        for (NewBatch batch : append.batches()) {
            out.add(batch.group() + ":" + batch.records().stream()
                .map(r -> r.source().topic() + "-" + r.source().partition() + "@" + r.offset()).toList());
        }
        return out;
    }
}
