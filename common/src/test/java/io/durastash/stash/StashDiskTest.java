package io.durastash.stash;

import io.durastash.stash.model.StashDisk;
import io.durastash.stash.model.StashOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The free bytes the floor applies to: the filesystem's, or what a smaller volume leaves after the stash's files. */
class StashDiskTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void withoutAVolumeTheFilesystemSays() {
        assertEquals(500 * MIB, new StashDisk(40 * MIB, 500 * MIB).freeBytesWithin(0));
    }

    @Test
    void aVolumeCountsTheStashsFilesAgainstItsSize() {
        // An emptyDir of 64 MiB on a node disk with 500 MiB free: the stash's 40 MiB leave it 24 MiB.
        assertEquals(24 * MIB, new StashDisk(40 * MIB, 500 * MIB).freeBytesWithin(64 * MIB));
        assertEquals(0, new StashDisk(70 * MIB, 500 * MIB).freeBytesWithin(64 * MIB), "past the volume: none");
    }

    @Test
    void aFilesystemFullerThanTheVolumeSaysStill() {
        // Other files fill the node disk: 10 MiB free there, although the volume has 24 MiB left.
        assertEquals(10 * MIB, new StashDisk(40 * MIB, 10 * MIB).freeBytesWithin(64 * MIB));
    }

    @Test
    void aStashToldItsVolumeReportsTheFreeBytesWithinIt(@TempDir Path dir) {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            assertTrue(stash.disk().freeBytes() > 64 * MIB, "this filesystem has more room than the volume below");
            stash.ledger("sink").volume(64 * MIB);
            StashDisk disk = stash.disk();
            assertTrue(disk.stashBytes() > 0, "RocksDB's files");
            assertEquals(64 * MIB - disk.stashBytes(), disk.freeBytes(), "what the sink's floor and the gauges see");
        }
    }
}
