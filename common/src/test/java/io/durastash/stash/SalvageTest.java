package io.durastash.stash;

import io.durastash.stash.internals.Family;
import io.durastash.stash.model.OffsetRange;
import io.durastash.stash.model.SalvageReport;
import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.testing.RawStash;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Salvage copies what can be read of a damaged stash into a new one: every intact record in order, the sinks' offsets,
 * and the offsets of what it could not copy as ranges to fetch again. The damaged stash is only read.
 */
class SalvageTest {
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final int BATCHES = 200;
    private static final int RECORDS = 10;

    @TempDir
    Path dir;
    private final TestRecords records = new TestRecords();

    private Path old() {
        return dir.resolve("old");
    }

    private Path fresh() {
        return dir.resolve("new");
    }

    private static StashOptions inspection() {
        return StashOptions.defaults().withQuarantineOnOpen(false);
    }

    private void fill(int batches) {
        try (Stash stash = Stash.open(old(), StashOptions.defaults())) {
            for (int b = 0; b < batches; b++) {
                records.appendBatch(stash, "t", 0, (long) b * RECORDS, RECORDS);
            }
            stash.ledger("orders").append(List.of(), Map.of(T0, (long) batches * RECORDS - 1), true);
            stash.ledger("orders").noteMode("stashed");
        }
    }

    private static List<Long> drainedOffsets(Path stashDir) {
        try (Stash stash = Stash.open(stashDir, StashOptions.defaults())) {
            TestDrainer drainer = TestDrainer.active(stash);
            List<TestDrainer.Emitted> emitted = drainer.drainAll();
            drainer.acknowledge(emitted);
            return emitted.stream().map(e -> e.record().record().offset()).toList();
        }
    }

    @Test
    void copiesIntactRecordsInOrderAndAsksForTheDamagedOnesAgain() throws Exception {
        fill(3);
        try (RawStash raw = new RawStash(old())) {
            raw.flipRecordBit(2, 4);
            raw.spoilMetadataChecksum(3);
        }
        SalvageReport report;
        try (Stash from = Stash.open(old(), inspection())) {
            report = Salvage.run(from, fresh(), StashOptions.defaults());
            assertNotEquals(from.id(), report.stashId(), "a new identity: the source delivers all of it");
        }
        assertEquals(3, report.batches());
        assertEquals(29, report.records());
        assertEquals(1, report.losses().size(), report.losses().toString());
        SalvageReport.Loss loss = report.losses().get(0);
        assertEquals(2, loss.batchId());
        assertEquals(1, loss.damagedRecords());
        assertTrue(loss.reason().contains("record 4"), loss.reason());
        assertEquals(List.of(new OffsetRange("t", 0, 10, 19)), loss.offsets());

        List<Long> expected = new java.util.ArrayList<>();
        for (long o = 0; o < 30; o++) {
            if (o != 14) {
                expected.add(o);
            }
        }
        try (Stash salvaged = Stash.open(fresh(), StashOptions.defaults())) {
            assertEquals(Map.of(T0, 29L), salvaged.ledger("orders").stashedOffsets(), "the sink's offsets come along");
            assertEquals("stashed", salvaged.ledger("orders").mode());
            assertEquals(List.of(new OffsetRange("t", 0, 10, 19)), salvaged.ledger("orders").refetch(T0),
                "the damaged batch's offsets");
        }
        assertEquals(expected.subList(0, 10), drainedOffsets(fresh()),
            "every intact record before the loss, in order: the partition is fetched again from there");

        try (Stash again = Stash.open(old(), inspection())) {
            assertEquals(2, again.inspect().verify(10).damageCount(), "the old stash is only read");
        }
    }

    /** Fills the stash, flushes it to SST files and damages the middle of {@code family}'s file. */
    private void damageFile(Family family) {
        fill(BATCHES);
        Path file;
        try (RawStash raw = new RawStash(old())) {
            raw.flush();
            file = raw.sstFiles(family).get(0);
        }
        try {
            RawStash.damage(file, Files.size(file) / 3, 8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void throughADamagedDataBlockEveryRecordIsCopiedOrNamed() {
        damageFile(Family.DATA);
        SalvageReport report;
        try (Stash from = Stash.open(old(), inspection())) {
            report = Salvage.run(from, fresh(), StashOptions.defaults());
        }
        assertTrue(report.damagedRecords() > 0, "the damaged block costs records: " + report);
        assertEquals(BATCHES * RECORDS, report.records() + report.damagedRecords(), "each copied or named: " + report);
        List<Long> offsets = drainedOffsets(fresh());
        long firstLost = report.losses().stream().flatMap(l -> l.offsets().stream()).mapToLong(OffsetRange::first).min()
            .orElseThrow();
        assertEquals(LongStream.range(0, firstLost).boxed().toList(), offsets,
            "every record before the first loss, in order: the partition is fetched again from there");
        try (Stash salvaged = Stash.open(fresh(), StashOptions.defaults())) {
            for (SalvageReport.Loss loss : report.losses()) {
                assertTrue(salvaged.ledger("orders").refetch(T0).containsAll(loss.offsets()), "fetched again: " + loss);
            }
        }
    }

    @Test
    void throughADamagedMetadataBlockEveryBatchIsFound() {
        damageFile(Family.META);
        SalvageReport report;
        try (Stash from = Stash.open(old(), inspection())) {
            report = Salvage.run(from, fresh(), StashOptions.defaults());
        }
        assertEquals(BATCHES * RECORDS, report.records(), report.toString());
        assertEquals(List.of(), report.losses());
        List<Long> offsets = drainedOffsets(fresh());
        assertEquals(offsets.stream().sorted().distinct().toList(), offsets, "in order");
        assertEquals(BATCHES * RECORDS, offsets.size());
    }

    @Test
    void refusesADirectoryThatHoldsAnything() throws Exception {
        fill(1);
        Files.createDirectories(fresh());
        Files.writeString(fresh().resolve("notes.txt"), "mine");
        try (Stash from = Stash.open(old(), inspection())) {
            StashException e = assertThrows(StashException.class, () -> Salvage.run(from, fresh(), StashOptions.defaults()));
            assertTrue(e.getMessage().contains(fresh().toString()) && e.getMessage().contains("not empty"), e.getMessage());
            assertThrows(StashException.class, () -> Salvage.run(from, old(), StashOptions.defaults()));
        }
    }
}
