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
    static final String STASHED_RECORDS = "put-record-total";

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

    /**
     * The records the sink's tasks have written to the stash ({@code put-record-total}, summed over its tasks); -1 while
     * the metrics cannot be read.
     */
    long stashedRecords() {
        return (long) metrics.sum(WorkerMetrics.pluginMetrics(connector), STASHED_RECORDS);
    }

    /** The JMX name the gauge is read from. */
    String source() {
        return "kafka.connect:type=plugins,connector=" + connector + ",task=0 " + LIVE_BYTES;
    }

    /** The bytes of a stash directory's files, by kind: RocksDB's SST files, its WAL, and the rest (manifest, logs). */
    record DirectoryBytes(long sst, long wal, long other) {
        long total() {
            return sst + wal + other;
        }

        @Override
        public String toString() {
            return String.format("SST %.1f MB, WAL %.1f MB, other %.1f MB", sst / 1e6, wal / 1e6, other / 1e6);
        }
    }

    /** The stash directory's files by kind, read in one walk; all 0 before it exists, null when it cannot be read. */
    DirectoryBytes directoryBytesByKind() {
        long[] bytes = new long[3];
        if (!Files.isDirectory(directory)) {
            return new DirectoryBytes(0, 0, 0);
        }
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
            return null;
        }
        return new DirectoryBytes(bytes[0], bytes[1], bytes[2]);
    }

    /** The bytes of the stash directory's files (RocksDB's SST files, WAL, manifest); -1 when it cannot be read. */
    long directoryBytes() {
        DirectoryBytes bytes = directoryBytesByKind();
        return bytes == null ? -1 : bytes.total();
    }
}
