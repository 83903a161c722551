package io.durastash.stash;

import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.StashKeys;
import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.testing.RawStash;
import io.durastash.stash.testing.TestRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stash opened read-only reads what is there, refuses every write with a message that says why, and writes nothing. */
class StashReadOnlyTest {
    @TempDir
    Path dir;
    private final TestRecords records = new TestRecords();

    private static StashOptions readOnly() {
        return StashOptions.defaults().withReadOnly(true);
    }

    @Test
    void everyWriteThroughAReadOnlyStashFailsAndSaysWhy() {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            records.appendBatch(stash, "t", 0, 0, 2);
        }
        try (Stash stash = Stash.open(dir, readOnly())) {
            assertEquals(1, stash.stats().liveBatches());
            assertRefused(stash, () -> records.appendBatch(stash, "t", 0, 2, 1));
            assertRefused(stash, stash.ledger(TestRecords.SINK)::sync);
            assertRefused(stash, stash.ledger(TestRecords.SINK)::reclaimDisk);
            assertRefused(stash, () -> stash.ledger(TestRecords.SINK).noteMode("delivered"));
        }
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            assertEquals(1, stash.stats().liveBatches(), "nothing was written");
        }
    }

    private static void assertRefused(Stash stash, Executable write) {
        StashException e = assertThrows(StashException.class, write);
        assertTrue(e.getMessage().contains(stash.path() + ": the stash is open read-only"), e.getMessage());
    }

    @Test
    void aReadOnlyOpenOfADirectoryWithoutAStashCreatesNothing() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThrows(StashException.class, () -> Stash.open(empty, readOnly()));
        try (Stream<Path> files = Files.list(empty)) {
            assertEquals(List.of(), files.toList());
        }
        Path missing = dir.resolve("missing");
        assertThrows(StashException.class, () -> Stash.open(missing, readOnly()));
        assertFalse(Files.exists(missing));
    }

    @Test
    void aReadOnlyOpenReadsAnOlderFormatAsItIsAndRecordsNoUpgrade() throws Exception {
        Path stashDir = dir.resolve("stash");
        Path fixture = Path.of(getClass().getResource("/stash-format-1/CURRENT").toURI()).getParent();
        Files.createDirectories(stashDir);
        try (Stream<Path> files = Files.list(fixture)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, stashDir.resolve(file.getFileName()));
            }
        }
        try (Stash stash = Stash.open(stashDir, readOnly())) {
            assertEquals(3, stash.stats().liveBatches());
            assertEquals(0, stash.inspect().verify(10).damageCount());
        }
        try (RawStash raw = new RawStash(stashDir)) {
            assertEquals(1, StashKeys.longValue(raw.get(Family.DEFAULT, StashKeys.FORMAT_VERSION)));
        }
    }
}
