package io.durastash.testkit.process;

import io.durastash.testkit.StackFailure;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The directory that holds one process stack: the broker's data, the stash, Connect's offsets, the unzipped plugin
 * and the logs. One stack at a time (a file lock); the pids of its child processes, so a run after a killed
 * launcher or test stops what it left behind; and the Kafka cluster it belongs to, since the stash's input offsets
 * and Connect's source offsets only make sense against that cluster.
 */
public final class DataDir implements AutoCloseable {
    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDir(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Creates the directory if needed and locks it for this stack. */
    public static DataDir open(Path root) {
        FileChannel channel = null;
        try {
            Files.createDirectories(root);
            channel = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw StackFailure.environment("Another durastash-local (or test) is running on the data directory " + root
                    + ". Stop it (Ctrl-C in its terminal), or give this one its own --data-dir.");
            }
            return new DataDir(root, channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw StackFailure.environment("The data directory " + root + " is already in use by this process.");
        } catch (IOException e) {
            closeQuietly(channel);
            throw StackFailure.environment("Cannot use the data directory " + root + ": " + e.getMessage()
                + ". Choose a writable directory with --data-dir.");
        }
    }

    public Path root() {
        return root;
    }

    public Path logs() {
        return root.resolve("logs");
    }

    public Path kafka() {
        return root.resolve("kafka");
    }

    public Path plugins() {
        return root.resolve("plugins");
    }

    public Path connect() {
        return root.resolve("connect");
    }

    public Path stash() {
        return root.resolve("stash");
    }

    /** A path for messages: relative to the working directory when inside it. */
    public static String show(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        return path.startsWith(cwd) && !path.equals(cwd) ? cwd.relativize(path).toString() : path.toString();
    }

    /** Records a child process of this run, so that a run after a killed one can stop it. */
    void recordChild(String role, long pid) {
        Map<String, Long> pids = readPids();
        pids.put(role, pid);
        writePids(pids);
    }

    void forgetChild(String role) {
        Map<String, Long> pids = readPids();
        if (pids.remove(role) != null) {
            writePids(pids);
        }
    }

    /**
     * Stops the processes an earlier launcher of this directory left running (it was killed before it could stop
     * them); they would hold the ports and the stash. Only JVMs carrying this directory's marker are touched.
     */
    public void stopLeftovers(Consumer<String> report) {
        Map<String, Long> pids = readPids();
        // The worker before the broker, as on a normal shutdown.
        List<String> roles = new ArrayList<>(pids.keySet());
        roles.sort((a, b) -> Boolean.compare(a.equals(LocalBroker.ROLE), b.equals(LocalBroker.ROLE)));
        for (String role : roles) {
            Optional<ProcessHandle> process = ProcessHandle.of(pids.get(role)).filter(ProcessHandle::isAlive)
                .filter(this::isOurs);
            if (process.isPresent()) {
                report.accept("The " + role.replace('-', ' ') + " of an earlier run is still running (pid " + pids.get(role)
                    + "); stopping it.");
                if (!ChildProcess.stop(process.get(), Duration.ofSeconds(60))) {
                    report.accept("It did not stop within 60 s and was killed.");
                }
            }
        }
        writePids(new LinkedHashMap<>());
    }

    private boolean isOurs(ProcessHandle process) {
        String marker = "-D" + KafkaRuntime.DATA_DIR_PROPERTY + "=" + root;
        return process.info().arguments().map(args -> List.of(args).contains(marker))
            .or(() -> process.info().commandLine().map(line -> line.contains(marker)))
            .orElse(false);
    }

    /**
     * Fails when this directory was used with another Kafka cluster: its stash and Connect offsets hold positions
     * in that cluster's topics. Records the cluster on first use.
     */
    void requireCluster(String clusterId, String bootstrap) {
        Path file = root.resolve("cluster.id");
        try {
            if (Files.exists(file)) {
                String recorded = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!recorded.equals(clusterId)) {
                    throw StackFailure.environment("The data directory " + root + " belongs to Kafka cluster "
                        + recorded + ", but " + bootstrap + " is cluster " + clusterId + ". Its stash and Connect "
                        + "offsets hold positions in the other cluster's topics. Use another --data-dir for this "
                        + "cluster (or delete " + root + " to start over).");
                }
            } else {
                Files.writeString(file, clusterId + System.lineSeparator(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw StackFailure.environment("Cannot read or write " + file + ": " + e.getMessage());
        }
    }

    private Map<String, Long> readPids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        Path file = root.resolve("pids");
        if (!Files.exists(file)) {
            return pids;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2) {
                    try {
                        pids.put(parts[0], Long.parseLong(parts[1]));
                    } catch (NumberFormatException ignored) {
                        // A line not written by this class.
                    }
                }
            }
        } catch (IOException e) {
            throw StackFailure.environment("Cannot read " + file + ": " + e.getMessage());
        }
        return pids;
    }

    private void writePids(Map<String, Long> pids) {
        Path file = root.resolve("pids");
        StringBuilder text = new StringBuilder();
        pids.forEach((role, pid) -> text.append(role).append(' ').append(pid).append(System.lineSeparator()));
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw StackFailure.environment("Cannot write " + file + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel releases it too.
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing to do.
            }
        }
    }
}
