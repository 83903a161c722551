package io.durastash.stash.internals;

import io.durastash.stash.model.StashDisk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The stash directory's bytes on disk and its filesystem's free bytes, measured at most once per
 * {@link #SAMPLE_INTERVAL_MS} (a sink asks at every poll). Thread-safe.
 */
public final class DiskUsage {
    static final long SAMPLE_INTERVAL_MS = 200;

    private final Path directory;
    private volatile StashDisk last = new StashDisk(0, Long.MAX_VALUE);
    private volatile long sampledAt = Long.MIN_VALUE / 2;

    public DiskUsage(Path directory) {
        this.directory = directory;
    }

    public StashDisk sample() {
        long now = System.nanoTime() / 1_000_000;
        if (now - sampledAt < SAMPLE_INTERVAL_MS) {
            return last;
        }
        synchronized (this) {
            if (now - sampledAt >= SAMPLE_INTERVAL_MS) {
                last = new StashDisk(directoryBytes(), freeBytes());
                sampledAt = now;
            }
            return last;
        }
    }

    private long freeBytes() {
        try {
            FileStore store = Files.getFileStore(directory);
            return store.getUsableSpace();
        } catch (IOException e) {
            return last.freeBytes(); // keep what was seen; a stash whose directory is gone fails on its own
        }
    }

    /** The sizes of the directory's files; RocksDB deletes files while this runs, which is not an error. */
    private long directoryBytes() {
        try (Stream<Path> files = Files.list(directory)) {
            return files.mapToLong(DiskUsage::size).sum();
        } catch (IOException | UncheckedIOException e) {
            return last.stashBytes();
        }
    }

    private static long size(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
