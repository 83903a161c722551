package io.durastash.bench;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Reads a stash's gauges the way an operator would: from the worker's JMX plugin metrics of the sink task
 * ({@code kafka.connect:type=plugins,connector=<sink>,task=0}, attribute {@code stash-live-bytes}), plus the
 * stash directory's size on disk.
 */
final class StashGaugeReader {
    static final String LIVE_BYTES = "stash-live-bytes";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final String connector;
    private final Path directory;
    private ObjectName name;

    StashGaugeReader(String connector, Path directory) {
        this.connector = connector;
        this.directory = directory;
    }

    /** The gauge's value, or -1 while the task has not registered it. */
    long liveBytes() {
        try {
            if (name == null) {
                name = find();
                if (name == null) {
                    return -1;
                }
            }
            return ((Number) server.getAttribute(name, LIVE_BYTES)).longValue();
        } catch (Exception e) {
            name = null; // the task restarted and registered anew
            return -1;
        }
    }

    /** The JMX name the gauge is read from, once found. */
    String source() {
        return name == null ? "(not registered yet)" : name + " " + LIVE_BYTES;
    }

    private ObjectName find() throws Exception {
        for (ObjectName candidate : server.queryNames(new ObjectName("kafka.connect:*"), null)) {
            if (!connector.equals(candidate.getKeyProperty("connector"))) {
                continue;
            }
            for (MBeanAttributeInfo attribute : server.getMBeanInfo(candidate).getAttributes()) {
                if (LIVE_BYTES.equals(attribute.getName())) {
                    return candidate;
                }
            }
        }
        return null;
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
