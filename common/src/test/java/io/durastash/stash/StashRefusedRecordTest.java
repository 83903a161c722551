package io.durastash.stash;

import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.BatchRecord;
import io.durastash.stash.model.DeliveryGate;
import io.durastash.stash.model.OffsetRange;
import io.durastash.stash.model.RecordEmitter;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.QuarantinedEntry;
import io.durastash.stash.quarantine.RequeueOutcome;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A record the output refuses ({@link RecordEmitter#refusal}) is set aside whole, with the reason and its own input
 * offset; the records after it flow on, its batch is deleted once the rest is acknowledged, nothing is fetched again
 * from the input, and a requeue delivers it once the output takes it, past the delivery gate.
 */
class StashRefusedRecordTest {
    @TempDir
    Path dir;
    private final TestRecords records = new TestRecords();

    /** A sink side that consumes every input partition elsewhere. */
    private static final DeliveryGate SUPERSEDE_ALL = (partition, batchId, offset) -> DeliveryGate.Verdict.SUPERSEDED;

    /** Emits every record but those whose value is {@code refusedValue}, which it refuses. */
    private static List<TestDrainer.Emitted> drainRefusing(Drainer drainer, String refusedValue) {
        List<TestDrainer.Emitted> emitted = new ArrayList<>();
        drainer.drain(1000, new RecordEmitter() {
            @Override
            public void emit(BatchMetadata batch, BatchRecord record, boolean lastOfBatch) {
                emitted.add(new TestDrainer.Emitted(batch, record, lastOfBatch));
            }

            @Override
            public String refusal(BatchMetadata batch, BatchRecord record) {
                return TestRecords.value(record.record()).equals(refusedValue) ? "RecordTooLarge: test" : null;
            }
        });
        return emitted;
    }

    @Test
    void aRefusedRecordIsSetAsideWholeAndTheRestFlowsOn() {
        byte[] refusedBytes;
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            records.appendBatch(stash, "in", 0, 0, 3);
            records.appendBatch(stash, "in", 0, 3, 2);
            refusedBytes = records.encode(TestRecords.bytesRecord("in", 0, 1, "value-1")).bytes();
            TestDrainer drainer = TestDrainer.active(stash);

            List<TestDrainer.Emitted> emitted = drainRefusing(drainer.drainer(), "value-1");

            assertEquals(List.of("value-0", "value-2", "value-3", "value-4"), TestDrainer.values(emitted));
            drainer.acknowledge(emitted);
            assertEquals(0, stash.stats().liveBatches(), "both batches deleted once the rest is acknowledged");
            assertEquals(1, drainer.drainer().refusedRecords());
            assertEquals(1, stash.stats().refusedEntries());
            assertEquals(1, stash.stats().quarantinedEntries());
            assertEquals(List.of(), stash.ledger(TestRecords.SINK).refetch(new TopicPartition("in", 0)),
                "the record is here: nothing to fetch again");
        }
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            assertEquals(1, stash.stats().refusedEntries(), "counted again on open");
            List<QuarantinedEntry> entries = stash.quarantine().list();
            assertEquals(1, entries.size());
            QuarantinedEntry entry = entries.get(0);
            assertTrue(entry.refused());
            assertEquals("RecordTooLarge: test", entry.reason());
            assertEquals(List.of(new OffsetRange("in", 0, 1, 1)), entry.offsets(), "its own input offset");
            assertArrayEquals(refusedBytes, entry.bytes(), "whole");

            List<RequeueOutcome> requeued = stash.quarantine().requeue(List.of(), false);

            assertEquals(1, requeued.get(0).restored());
            assertTrue(requeued.get(0).newBatch().requeued());
            assertEquals(0, stash.stats().refusedEntries());
            assertEquals(0, stash.stats().quarantinedEntries());
            stash.ledger("sink").gate(SUPERSEDE_ALL); // its input offset is committed: no consumer of the partition takes it again
            assertEquals(List.of("value-1"), TestDrainer.values(TestDrainer.active(stash).drainAll()),
                "delivered once the output takes it, whoever consumes its input partition now");
        }
    }

    @Test
    void aRefusedLastRecordEndsItsBatch() {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            records.appendBatch(stash, "in", 0, 0, 2);
            records.appendBatch(stash, "in", 0, 2, 1);
            TestDrainer drainer = TestDrainer.active(stash);
            List<BatchMetadata> ended = new ArrayList<>();
            List<String> values = new ArrayList<>();

            drainer.drainer().drain(1000, new RecordEmitter() {
                @Override
                public void emit(BatchMetadata batch, BatchRecord record, boolean lastOfBatch) {
                    values.add(TestRecords.value(record.record()));
                }

                @Override
                public String refusal(BatchMetadata batch, BatchRecord record) {
                    return record.index() == 1 && batch.recordCount() == 2 ? "refused" : null;
                }

                @Override
                public void batchEnded(BatchMetadata batch) {
                    ended.add(batch);
                }
            });

            assertEquals(List.of("value-0", "value-2"), values);
            assertEquals(2, ended.size(), "the first batch ended with its refused last record");
        }
    }
}
