package io.durastash.stash;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

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
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            LockHolder.class.getName(), stashDir.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("OPEN "));
            assertTrue(line != null, "the holder process opened the stash");

            StashException e = assertThrows(StashException.class, () -> Stash.open(stashDir, StashOptions.defaults()));
            assertTrue(e.getMessage().contains(stashDir.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("locked by another process"), e.getMessage());
        } finally {
            holder.destroyForcibly();
            holder.waitFor(30, TimeUnit.SECONDS);
        }
        try (Stash stash = Stash.open(stashDir, StashOptions.defaults())) {
            assertEquals(0, stash.stats().liveBatches(), "opens once the other process is gone");
        }
    }
}
