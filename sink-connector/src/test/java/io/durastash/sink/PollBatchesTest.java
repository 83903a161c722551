package io.durastash.sink;

import io.durastash.stash.BatchContent;
import io.durastash.stash.EncodedRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.durastash.sink.SinkFixture.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertEquals(5, append.batches().stream().mapToLong(BatchContent::byteSize).sum());
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

    private static EncodedRecord record(TopicPartition partition, long offset) {
        return new EncodedRecord(partition, offset, new byte[] {(byte) offset});
    }

    private static List<String> describe(StashAppend append) {
        List<String> out = new ArrayList<>();
        for (BatchContent batch : append.batches()) {
            out.add(batch.group() + ":" + batch.records().stream()
                .map(r -> r.source().topic() + "-" + r.source().partition() + "@" + r.offset()).toList());
        }
        return out;
    }
}
