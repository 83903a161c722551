package io.durastash.stash.internals;

import io.durastash.stash.Stash;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.EncodedRecord;
import io.durastash.stash.model.NewBatch;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashPosition;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ResumePointTest {
    @TempDir
    Path dir;
    private Stash stash;
    private final List<BatchMetadata> batches = new ArrayList<>();

    @BeforeEach
    void fill() {
        stash = Stash.open(dir.resolve("s"), StashOptions.defaults().withMemoryBytes(StashOptions.MIN_MEMORY_BYTES));
        for (int size : new int[] {3, 5, 1}) {
            List<EncodedRecord> records = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                records.add(new EncodedRecord(new TopicPartition("t", 0), i, new byte[] {1}));
            }
            batches.addAll(stash.ledger("sink").append(List.of(new NewBatch("g", records)), Map.of(), false));
        }
    }

    @AfterEach
    void close() {
        stash.close();
    }

    @Test
    void withoutACommittedOffsetEveryBatchIsReadWhole() {
        batches.forEach(b -> assertEquals(OptionalInt.of(0), ResumePoint.NONE.firstIndexToEmit(b)));
        assertEquals(ResumePoint.NONE, ResumePoint.after(null));
    }

    @Test
    void batchesBeforeTheCommittedOneAreSkippedItContinuesAfterTheIndexLaterOnesAreWhole() {
        ResumePoint point = ResumePoint.after(new StashPosition(batches.get(1).id(), 2));
        assertEquals(OptionalInt.empty(), point.firstIndexToEmit(batches.get(0)));
        assertEquals(OptionalInt.of(3), point.firstIndexToEmit(batches.get(1)));
        assertEquals(OptionalInt.of(0), point.firstIndexToEmit(batches.get(2)));
    }

    @Test
    void aBatchCommittedToItsLastRecordOrBeyondIsSkipped() {
        assertEquals(OptionalInt.empty(), ResumePoint.after(new StashPosition(batches.get(1).id(), 4))
            .firstIndexToEmit(batches.get(1)));
        assertEquals(OptionalInt.empty(), ResumePoint.after(new StashPosition(batches.get(1).id(), Integer.MAX_VALUE))
            .firstIndexToEmit(batches.get(1)));
        assertEquals(OptionalInt.empty(), ResumePoint.after(new StashPosition(batches.get(2).id(), 0))
            .firstIndexToEmit(batches.get(2)));
    }
}
