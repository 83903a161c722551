package io.durastash.faults;

import io.durastash.testkit.Directories;
import io.durastash.testkit.process.DataDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A fault test's data directory, {@code target/fault-data/<name>}: broker log dirs, the stash, the worker and broker
 * logs. Emptied when a test starts and kept afterwards, so that the logs of a failed run can be read. What an aborted
 * run left behind is cleared first: its broker and workers (found through the stack's pid file, only JVMs carrying
 * this directory's marker) and a filesystem it mounted inside.
 */
final class FaultData {
    private FaultData() {
    }

    static Path fresh(String name) {
        Path dir = Path.of("target", "fault-data", name).toAbsolutePath().normalize();
        try {
            if (Files.exists(dir)) {
                stopLeftovers(dir);
                unmountInside(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clear " + dir, e);
        }
        return Directories.empty(dir);
    }

    /** Stops the processes recorded in any pid file up to two levels down (a stack's data directory). */
    private static void stopLeftovers(Path dir) throws IOException {
        List<Path> stacks = new ArrayList<>();
        try (Stream<Path> files = Files.find(dir, 2, (path, attrs) -> path.getFileName().toString().equals("pids"))) {
            files.forEach(pids -> stacks.add(pids.getParent()));
        }
        for (Path stack : stacks) {
            try (DataDir old = DataDir.open(stack)) {
                old.stopLeftovers(System.out::println);
            }
        }
    }

    /** Unmounts what an aborted run mounted below {@code dir} (the full-filesystem test's tmpfs). */
    private static void unmountInside(Path dir) throws IOException {
        Path mounts = Path.of("/proc/self/mounts");
        if (!Files.isReadable(mounts)) {
            return;
        }
        List<Path> inside = new ArrayList<>();
        for (String line : Files.readAllLines(mounts, StandardCharsets.UTF_8)) {
            String[] fields = line.split(" ");
            if (fields.length > 1 && Path.of(fields[1]).startsWith(dir)) {
                inside.add(Path.of(fields[1]));
            }
        }
        inside.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path mount : inside) {
            try {
                new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
