package io.durastash.bench;

import io.durastash.testkit.connect.WorkerMetrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Reads a stash's size the way an operator would: the gauge {@code stash-live-bytes} of the sink's task 0 from the
 * worker's JMX plugin metrics, plus the stash directory's size on disk.
 */
final class StashGaugeReader {
    static final String LIVE_BYTES = "stash-live-bytes";

    private final WorkerMetrics metrics = WorkerMetrics.inThisJvm();
    private final String connector;
    private final Path directory;

    StashGaugeReader(String connector, Path directory) {
        this.connector = connector;
        this.directory = directory;
    }

    /** The gauge's value, or -1 while the task has not registered it. */
    long liveBytes() {
        try {
            return (long) metrics.pluginNumber(connector, 0, LIVE_BYTES);
        } catch (IllegalStateException notRegisteredYet) {
            return -1;
        }
    }

    /** The JMX name the gauge is read from. */
    String source() {
        return "kafka.connect:type=plugins,connector=" + connector + ",task=0 " + LIVE_BYTES;
    }

    /** The bytes of the stash directory's files by kind: SST files, WAL files, and the rest (manifest, logs). */
    String directoryBreakdown() {
        long[] bytes = new long[3];
        try (Stream<Path> files = Files.walk(directory)) {
            files.filter(Files::isRegularFile).forEach(file -> {
                String name = file.getFileName().toString();
                int kind = name.endsWith(".sst") ? 0 : name.endsWith(".log") && !name.startsWith("LOG") ? 1 : 2;
                try {
                    bytes[kind] += Files.size(file);
                } catch (IOException e) {
                    // deleted by a compaction while we walked
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return "unreadable";
        }
        return String.format("SST %.1f MB, WAL %.1f MB, other %.1f MB", bytes[0] / 1e6, bytes[1] / 1e6, bytes[2] / 1e6);
    }

    /** The bytes of the stash directory's files (RocksDB's SST files, WAL, manifest). */
    long directoryBytes() {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return 0; // deleted by a compaction while we walked
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }
}
