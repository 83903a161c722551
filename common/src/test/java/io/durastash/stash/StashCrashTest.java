package io.durastash.stash;

import io.durastash.stash.inspect.VerifyReport;
import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.StashKeys;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashPosition;
import io.durastash.stash.testing.RawStash;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stash whose process dies, and whose unsynced writes may then be lost, never hands out a batch id twice. */
class StashCrashTest {
    @TempDir
    Path dir;
    private final TestRecords records = new TestRecords();

    /** Appends {@code batches} one-record batches, unsynced, in another JVM, and kills it with SIGKILL. */
    private void appendAndKill(int batches) throws Exception {
        LockHolder.start(dir, batches).close();
    }

    @Test
    void afterACrashIdsStartPastTheReservation() throws Exception {
        appendAndKill(3);
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            assertEquals(3, stash.stats().pendingBatches(), "a killed process loses nothing the OS had");
            BatchMetadata next = records.appendBatch(stash, "t", 0, 3, 1);
            assertTrue(next.id() > 1_000_000, "past the reservation, not at 4: " + next.id());
        }
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            long next = stash.nextBatchId();
            assertEquals(next, records.appendBatch(stash, "t", 0, 4, 1).id(), "a clean close continues where it stopped");
        }
    }

    @Test
    void writesLostInAPowerLossNeverGiveTheirIdsToOtherRecords() throws Exception {
        appendAndKill(3);
        long reserved;
        // A power loss before the WAL sync: the three appends never reached the disk; the reservation, synced first, did.
        try (RawStash raw = new RawStash(dir)) {
            reserved = StashKeys.longValue(raw.get(Family.DEFAULT, StashKeys.IDS_RESERVED));
            for (long id = 1; id <= 3; id++) {
                raw.delete(Family.META, StashKeys.batch(id));
                raw.delete(Family.DATA, StashKeys.record(id, 0));
            }
            raw.put(Family.DEFAULT, StashKeys.NEXT_BATCH_ID, StashKeys.longValue(1));
        }
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            BatchMetadata next = records.appendBatch(stash, "t", 0, 0, 1);
            assertEquals(reserved, next.id());
            // The source had emitted batch 3 and committed its offset before the power loss: the new batch, whose id
            // is past it, is delivered, not taken for already delivered.
            TestDrainer drainer = new TestDrainer(stash.drainer("d", 100, 0));
            drainer.drainer().activate(() -> new StashPosition(3, 0));
            assertEquals(1, drainer.drainAll().size());
        }
    }

    /** Appends 50 batches in a process that dies, and damages the WAL that holds them, three quarters in. */
    private void damagedWriteAheadLog() throws Exception {
        appendAndKill(50);
        Path wal = RawStash.wal(dir);
        long size = java.nio.file.Files.size(wal);
        RawStash.damage(wal, size * 3 / 4, 16);
    }

    @Test
    void aDamagedWriteAheadLogOpensWithWhatWasWrittenBeforeTheDamage() throws Exception {
        damagedWriteAheadLog();

        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            long survived = stash.stats().pendingBatches();
            assertTrue(survived > 0 && survived < 50, "what came before the damage, not what came after: " + survived);
            assertTrue(stash.quarantine().list().stream().anyMatch(e -> e.family().equals("wal")),
                "the damage is recorded: " + stash.quarantine().list());
            assertEquals(survived, TestDrainer.active(stash).drainAll().size());
            assertTrue(records.appendBatch(stash, "t", 0, 100, 1).id() > 50, "no id handed out again");
        }
    }

    @Test
    void aDamagedWriteAheadLogFoundByAnInspectionIsReportedAndRecorded() throws Exception {
        damagedWriteAheadLog();

        // A read-write open that quarantines nothing (the tool's repairs) drops the writes after the damage as a worker's
        // does: it must not be the only one to know.
        try (Stash stash = Stash.open(dir, StashOptions.defaults().withQuarantineOnOpen(false))) {
            VerifyReport report = stash.inspect().verify(10);
            assertEquals(VerifyReport.Kind.WAL, report.damages().get(0).kind(), report.damages().toString());
        }
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            assertTrue(stash.quarantine().list().stream().anyMatch(e -> e.family().equals("wal")),
                "the damage is recorded for the worker that opens it next: " + stash.quarantine().list());
        }
    }

    @Test
    void aDamagedWriteAheadLogOpenedReadOnlyIsReportedAndLeftForTheNextOpenToRecord() throws Exception {
        damagedWriteAheadLog();

        long survived;
        try (Stash stash = Stash.open(dir, StashOptions.defaults().withReadOnly(true))) {
            survived = stash.stats().pendingBatches();
            assertTrue(survived > 0 && survived < 50, "what came before the damage: " + survived);
            VerifyReport report = stash.inspect().verify(10);
            assertEquals(VerifyReport.Kind.WAL, report.damages().get(0).kind(), report.damages().toString());
            assertTrue(report.damages().get(0).detail().contains("stay in the log"), report.damages().toString());
            assertEquals(List.of(), stash.quarantine().list());
        }
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            assertEquals(survived, stash.stats().pendingBatches());
            assertTrue(stash.quarantine().list().stream().anyMatch(e -> e.family().equals("wal")),
                "the damage is recorded by the worker that opens it next: " + stash.quarantine().list());
        }
    }

    @Test
    void aStashRestoredFromAnOlderCopyDeliversEverythingItHolds() {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            records.appendBatch(stash, "t", 0, 0, 2);
            records.appendBatch(stash, "t", 0, 2, 2);
            // The committed source offset names a batch of a later copy of this stash, past anything it holds.
            TestDrainer drainer = new TestDrainer(stash.drainer("d", 100, 0));
            drainer.drainer().activate(() -> new StashPosition(stash.nextBatchId() + 5, 0));
            assertEquals(4, drainer.drainAll().size(), "nothing skipped");
        }
    }
}
