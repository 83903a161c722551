package io.durastash.stash;

import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StashOpenFailureTest {
    @TempDir
    Path dir;

    @Test
    void aDirectoryThatCannotBeCreatedIsNamedWithTheFix() throws Exception {
        Path file = Files.createFile(dir.resolve("a-file"));
        Path stashDir = file.resolve("stash");
        StashException e = assertThrows(StashException.class, () -> Stash.open(stashDir, StashOptions.defaults()));
        assertTrue(e.getMessage().contains(stashDir.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("stash.dir"), e.getMessage());
    }

    @Test
    void aDirectoryLockedByAnotherProcessIsNamedWithTheFix() throws Exception {
        Path stashDir = dir.resolve("locked");
        try (LockHolder.Held holder = LockHolder.start(stashDir, 0)) {
            StashException e = assertThrows(StashException.class, () -> Stash.open(stashDir, StashOptions.defaults()));
            assertTrue(e.getMessage().contains(stashDir.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("locked by another process"), e.getMessage());
        }
        try (Stash stash = Stash.open(stashDir, StashOptions.defaults())) {
            assertEquals(0, stash.stats().liveBatches(), "opens once the other process is gone");
        }
    }
}
