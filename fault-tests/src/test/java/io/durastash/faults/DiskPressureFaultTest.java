package io.durastash.faults;

import io.durastash.testkit.Await;
import io.durastash.testkit.Deadline;
import io.durastash.testkit.connect.ConnectorStatus;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.connect.WorkerMetrics;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import io.durastash.testkit.records.Expected;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.RecordLoad;
import io.durastash.testkit.records.TopicReader;
import io.durastash.testkit.records.Verdict;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Disk pressure on a real worker process:
 * <ul>
 *   <li>a stash bounded far below the backlog ({@code stash.max.bytes} at its 1 MiB minimum) with the source paused:
 *       the sink pauses its partitions (metric, WARN), the backlog waits in Kafka, and once the source is resumed the
 *       stash drains, the sink resumes by itself and every record arrives;</li>
 *   <li>a stash directory on a filesystem that fills up (a 32 MiB tmpfs mounted for the test, a small
 *       {@code stash.min.free.bytes}): the stash's own records bring it below the floor, the sink pauses, gives the
 *       space of its WAL back and resumes by itself, again and again, until it holds every record; then another file
 *       takes every byte left, the stash's writes fail for lack of space and are retried, and once that file is gone
 *       the stash reopens in place and every record arrives. A watcher sees no task FAILED at any point.</li>
 * </ul>
 */
@Tag("fault-full")
class DiskPressureFaultTest {
    static final long MAX_BYTES = 1024 * 1024;
    static final String FILESYSTEM = "36m";
    static final long MIN_FREE_BYTES = 16L * 1024 * 1024;
    static final String MEMORY_BYTES = Long.toString(16L * 1024 * 1024);
    static final long RECORDS = 250_000;
    /** The volume test: a 24 MiB volume on a 64 MiB filesystem, 4 MiB of memtables and a floor of three times that. */
    static final String VOLUME_FILESYSTEM = "64m";
    static final long VOLUME_BYTES = 24L * 1024 * 1024;
    static final long VOLUME_MIN_FREE_BYTES = 12L * 1024 * 1024;
    static final String VOLUME_MEMORY_BYTES = Long.toString(4L * 1024 * 1024);

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aStashSmallerThanTheBacklogPausesTheSinkAndResumesWhenDrained() {
        FaultReport report = FaultReport.of("disk-pressure-max-bytes");
        try (ProcessStack stack = ProcessStack.start(FaultData.fresh("disk-pressure-max-bytes"))) {
            Pair pair = Pair.local().withSink("stash.max.bytes", Long.toString(MAX_BYTES));
            String in = pair.inputTopic();
            String out = pair.outputTopic();
            stack.createTopics(pair, ProcessStack.PARTITIONS);
            WorkerProcess worker = stack.startWorker(WorkerSpec.standalone("connect"));
            worker.connectors().start(pair.sink());
            worker.connectors().startPaused(pair.source());
            long produced = RecordLoad.produce(stack.kafka(), in, NumberedRecords.of(in), 40_000).acknowledged();
            report.line("%d records of 100 bytes produced; sink with stash.max.bytes=%d, source PAUSED", produced, MAX_BYTES);

            WorkerMetrics metrics = WorkerMetrics.ofProcess(worker.process().pid());
            String sinkMetrics = WorkerMetrics.pluginMetrics(pair.sink().name());
            Await.until("the sink to pause (backpressure-paused = 1)", Duration.ofSeconds(60),
                () -> metrics.sum(sinkMetrics, "backpressure-paused") == 1);
            // Paused: what it has stashed stops growing, the rest waits in Kafka.
            Deadline.pause(3_000);
            double stashedWhenPaused = metrics.sum(sinkMetrics, "put-record-total");
            double liveBytes = metrics.sum(sinkMetrics, "stash-live-bytes");
            Deadline.pause(5_000);
            double stashedLater = metrics.sum(sinkMetrics, "put-record-total");
            double liveBytesLater = metrics.sum(sinkMetrics, "stash-live-bytes");
            report.line("sink paused: stashed %.0f of %d input records, stash-live-bytes %.0f (limit %d); 5 s later "
                + "stashed %.0f, stash-live-bytes %.0f, backpressure-paused-partitions %.0f", stashedWhenPaused, produced,
                liveBytes, MAX_BYTES, stashedLater, liveBytesLater, metrics.sum(sinkMetrics, "backpressure-paused-partitions"));
            assertEquals(stashedWhenPaused, stashedLater, "the sink kept stashing while paused");
            assertTrue(stashedWhenPaused < produced, "nothing waits in Kafka");
            assertTrue(liveBytes > MAX_BYTES && liveBytes < 2 * MAX_BYTES, "live bytes " + liveBytes);
            assertEquals(liveBytes, liveBytesLater, "the stash grew while paused");
            String log = WorkerLog.read(worker.process().log());
            assertTrue(log.contains("more than stash.max.bytes=" + MAX_BYTES + ": pausing input partitions"), "no WARN");
            assertTrue(log.contains("No source connector is draining this stash."), "the WARN does not say why");

            long t0 = System.nanoTime();
            worker.connectors().start(pair.source());
            Verdict verdict = TopicReader.of(stack.bootstrapServers(), out).check(Expected.inTopic(stack.kafka(), in),
                Duration.ofSeconds(60));
            report.line("source resumed: all records on the output topic after %.1f s", (System.nanoTime() - t0) / 1e9);
            report.verdict(verdict);
            assertTrue(verdict.atLeastOnce(), verdict.toString());
            assertEquals(0, verdict.duplicates());
            Await.until("the sink to resume (backpressure-paused = 0)", Duration.ofSeconds(30),
                () -> metrics.sum(sinkMetrics, "backpressure-paused") == 0);
            metrics.close();
            log = WorkerLog.read(worker.process().log());
            long pauses = WorkerLog.count(log, ": pausing input partitions");
            long resumes = WorkerLog.count(log, ": resuming input partitions");
            assertTrue(resumes >= 1, "no INFO on resume");
            report.line("SUMMARY disk-pressure-max-bytes: %d records, stash.max.bytes %d, peak stash-live-bytes seen %.0f, "
                + "sink paused %d times and resumed %d times, lost %d, duplicated %d, %.0f s", produced, MAX_BYTES,
                liveBytes, pauses, resumes, verdict.missing(), verdict.duplicates(), report.seconds());
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aFullFilesystemPausesTheSinkFailsNoTaskAndEverythingFlowsOnOnceThereIsSpace() throws Exception {
        FaultReport report = FaultReport.of("disk-pressure-full-filesystem");
        Path root = FaultData.fresh("disk-pressure-full-filesystem");
        Path mount = root.resolve("small-fs");
        Tmpfs tmpfs = Tmpfs.mountOrSkip(mount, FILESYSTEM);
        try (tmpfs; ProcessStack stack = ProcessStack.start(root.resolve("stack"))) {
            // Polls of at most 500 records (500 KB), and less memory for the stash (its WAL files are preallocated to
            // the size of its write buffers): less than the floor's margin is written between two looks at it.
            Pair pair = Pair.local().both("stash.dir", mount.toString()).both("stash.memory.bytes", MEMORY_BYTES)
                .withSink("stash.min.free.bytes", Long.toString(MIN_FREE_BYTES))
                .withSink("consumer.override.max.poll.records", "500");
            String in = pair.inputTopic();
            String out = pair.outputTopic();
            String sink = pair.sink().name();
            String source = pair.source().name();
            stack.createTopics(pair, ProcessStack.PARTITIONS);
            WorkerProcess worker = stack.startWorker(WorkerSpec.standalone("connect"));
            worker.connectors().start(pair.sink());
            // Started, then paused: its task keeps its share of the stash open, as a paused (or slow) source does.
            worker.connectors().start(pair.source());
            worker.connectors().startPaused(pair.source());
            Await.until("the source task to be PAUSED", Duration.ofSeconds(30),
                () -> ConnectorStatus.PAUSED.equals(worker.connectors().status(source).tasks().get(0)));
            report.line("stash.dir on a %s tmpfs (%s), stash.min.free.bytes=%d; sink RUNNING, source started then PAUSED",
                FILESYSTEM, mount, MIN_FREE_BYTES);

            String sinkMetrics = WorkerMetrics.pluginMetrics(sink);
            try (StatusWatch watch = StatusWatch.start(worker, List.of(sink, source));
                 WorkerMetrics metrics = WorkerMetrics.ofProcess(worker.process().pid())) {
                // 1. The stash's own records bring the filesystem below the floor: the sink pauses, the rest waits.
                long produced = RecordLoad.produce(stack.kafka(), in, NumberedRecords.of(in).withValueBytes(1_000),
                    RECORDS).acknowledged();
                DiskReading paused = Await.until("the sink to pause on low disk (backpressure-disk-low = 1)",
                    Duration.ofSeconds(180), () -> DiskReading.of(metrics, sinkMetrics, mount), reading -> reading.low() == 1);
                report.line("%d records of 1,000 bytes produced, source PAUSED; the sink paused below the floor after "
                    + "stashing %.0f; df %s", produced, paused.stashed(), paused.df());
                assertTrue(WorkerLog.read(worker.process().log()).contains("less than stash.min.free.bytes="
                    + MIN_FREE_BYTES), "no WARN naming the floor");
                assertTrue(paused.stashed() < produced, "nothing waits in Kafka: " + paused);

                // 2. Another file takes every byte left, and the source drains on the full filesystem. Either a write
                //    of the stash fails for lack of space (retried, the stash reopened in place), or its deletions fit
                //    in the WAL's preallocated space and the drained batches' files are compacted away without one:
                //    which depends on how much of the WAL was preallocated. Both must leave every task RUNNING.
                Path ballast = mount.resolve("ballast");
                long ballastBytes = fill(ballast);
                report.line("a file of %d bytes took the rest of the filesystem; df %s", ballastBytes, Tmpfs.usage(mount));
                worker.connectors().start(pair.source());
                String full = Await.until("a write of the stash to find the filesystem full, or the stash to drain on it",
                    Duration.ofSeconds(60), () -> WorkerLog.read(worker.process().log()),
                    log -> log.contains("the filesystem is full") || log.contains("holds nothing and has given back"));
                Deadline.pause(10_000); // the tasks retry meanwhile; the watcher looks for a FAILED one
                long emittedWhileFull = stack.kafka().written(out);
                report.line("source resumed on the full filesystem: %s; %d records on the output topic after 10 s; task "
                    + "states so far %s", full.contains("the filesystem is full")
                        ? "a write failed with 'the filesystem is full' and was retried"
                        : "it drained the stash and compacted its files away without a failed write",
                    emittedWhileFull, watch.statesSeen());

                // 3. The file goes: the stash reopens in place, the source drains it, and the space it drained comes
                //    back (the file's alone is not enough to end the pause), so the sink resumes by itself.
                long t0 = System.nanoTime();
                Files.delete(ballast);
                Verdict verdict = TopicReader.of(stack.bootstrapServers(), out)
                    .check(Expected.inTopic(stack.kafka(), in), Duration.ofSeconds(60));
                report.line("file removed: all records on the output topic after %.1f s", (System.nanoTime() - t0) / 1e9);
                report.verdict(verdict);
                Await.until("the sink to resume by itself (backpressure-disk-low = 0)", Duration.ofSeconds(60),
                    () -> DiskReading.of(metrics, sinkMetrics, mount), reading -> reading.low() == 0);
                String log = WorkerLog.read(worker.process().log());
                long resumes = WorkerLog.count(log, ": resuming input partitions");
                report.line("task states seen every 500 ms: %s; 'the filesystem is full' %d times in the worker log, "
                    + "reopened in place %d times; df at the end %s", watch.statesSeen(),
                    WorkerLog.count(log, "the filesystem is full"), WorkerLog.count(log, "reopened after an I/O failure"),
                    Tmpfs.usage(mount));
                assertEquals(List.of(), watch.failures(), "a task FAILED");
                assertTrue(verdict.atLeastOnce(), verdict.toString());
                assertTrue(resumes >= 1, "no INFO on resume");
                report.line("SUMMARY disk-pressure-full-filesystem: %d records on a %s tmpfs; the sink paused below %d "
                    + "free bytes and resumed by itself (%d times); drained on the full filesystem; lost %d, "
                    + "duplicated %d, out of order %d, tasks FAILED %d, %.0f s", produced, FILESYSTEM, MIN_FREE_BYTES,
                    resumes, verdict.missing(), verdict.duplicates(), verdict.outOfOrder(), watch.failures().size(),
                    report.seconds());
            }
        }
    }

    /**
     * A volume smaller than its filesystem, as an {@code emptyDir} with a {@code sizeLimit} on a node's disk: the
     * stash's files must stay within {@code stash.volume.bytes} while a backlog stays (the source PAUSED), although
     * the filesystem has room to spare. The test samples the tmpfs's used bytes (only the stash is on it; what a
     * tmpfs counts includes the WAL's preallocated pages) every 200 ms.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aVolumeSmallerThanItsFilesystemHoldsTheStashsFilesWhileABacklogStays() throws Exception {
        FaultReport report = FaultReport.of("disk-pressure-volume");
        Path root = FaultData.fresh("disk-pressure-volume");
        Path mount = root.resolve("node-disk");
        Tmpfs tmpfs = Tmpfs.mountOrSkip(mount, VOLUME_FILESYSTEM);
        try (tmpfs; ProcessStack stack = ProcessStack.start(root.resolve("stack"))) {
            Pair pair = Pair.local().both("stash.dir", mount.toString()).both("stash.memory.bytes", VOLUME_MEMORY_BYTES)
                .withSink("stash.volume.bytes", Long.toString(VOLUME_BYTES))
                .withSink("stash.min.free.bytes", Long.toString(VOLUME_MIN_FREE_BYTES))
                .withSink("consumer.override.max.poll.records", "500");
            String in = pair.inputTopic();
            String out = pair.outputTopic();
            String sink = pair.sink().name();
            stack.createTopics(pair, ProcessStack.PARTITIONS);
            WorkerProcess worker = stack.startWorker(WorkerSpec.standalone("connect"));
            worker.connectors().start(pair.sink());
            worker.connectors().startPaused(pair.source());
            report.line("stash.dir on a %s tmpfs; sink with stash.volume.bytes=%d, stash.min.free.bytes=%d, "
                + "stash.memory.bytes=%s; source PAUSED", VOLUME_FILESYSTEM, VOLUME_BYTES, VOLUME_MIN_FREE_BYTES,
                VOLUME_MEMORY_BYTES);

            String sinkMetrics = WorkerMetrics.pluginMetrics(sink);
            AtomicLong peakUsed = new AtomicLong();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> peakUsed.accumulateAndGet(Tmpfs.usedBytes(mount), Math::max), 0, 200,
                TimeUnit.MILLISECONDS);
            try (StatusWatch watch = StatusWatch.start(worker, List.of(sink, pair.source().name()));
                 WorkerMetrics metrics = WorkerMetrics.ofProcess(worker.process().pid())) {
                long produced = RecordLoad.produce(stack.kafka(), in, NumberedRecords.of(in).withValueBytes(1_000),
                    RECORDS).acknowledged();
                Await.until("the sink to pause at the volume's floor (backpressure-disk-low = 1)", Duration.ofSeconds(180),
                    () -> metrics.sum(sinkMetrics, "backpressure-disk-low") == 1);
                double stashedWhenPaused = metrics.sum(sinkMetrics, "put-record-total");
                Deadline.pause(15_000); // the backlog stays: nothing drains, nothing is given back
                double stashedLater = metrics.sum(sinkMetrics, "put-record-total");
                long peakWithBacklog = peakUsed.get();
                report.line("%d records of 1,000 bytes produced; the sink paused after stashing %.0f, %.0f 15 s later; "
                    + "the tmpfs's used bytes peaked at %d (stash.volume.bytes %d, %.2f of it); df %s", produced,
                    stashedWhenPaused, stashedLater, peakWithBacklog, VOLUME_BYTES, (double) peakWithBacklog / VOLUME_BYTES,
                    Tmpfs.usage(mount));
                assertTrue(stashedLater < produced, "nothing waits in Kafka");
                assertTrue(peakWithBacklog <= VOLUME_BYTES, "the stash's files passed stash.volume.bytes: "
                    + peakWithBacklog + " > " + VOLUME_BYTES);
                assertTrue(WorkerLog.read(worker.process().log()).contains("The volume (stash.volume.bytes="
                    + VOLUME_BYTES + ") of stash"), "no WARN naming the volume");

                worker.connectors().start(pair.source());
                Verdict verdict = TopicReader.of(stack.bootstrapServers(), out)
                    .check(Expected.inTopic(stack.kafka(), in), Duration.ofSeconds(120));
                report.verdict(verdict);
                assertEquals(List.of(), watch.failures(), "a task FAILED");
                assertEquals(0, verdict.missing(), verdict.toString());
                assertEquals(0, verdict.duplicates(), verdict.toString());
                // Not bounded yet: while the stash drains, the resumed sink writes as compactions run (docs/reliability.md).

                report.line("SUMMARY disk-pressure-volume: %d records, stash.volume.bytes %d on a %s tmpfs: the stash's "
                    + "files peaked at %d bytes (%.2f of the volume) with the backlog staying and %d (%.2f) while it "
                    + "drained; lost %d, "
                    + "duplicated %d, out of order %d, tasks FAILED %d, %.0f s", produced, VOLUME_BYTES,
                    VOLUME_FILESYSTEM, peakWithBacklog, (double) peakWithBacklog / VOLUME_BYTES, peakUsed.get(),
                    (double) peakUsed.get() / VOLUME_BYTES,
                    verdict.missing(), verdict.duplicates(), verdict.outOfOrder(), watch.failures().size(),
                    report.seconds());
            } finally {
                sampler.shutdownNow();
            }
        }
    }

    /**
     * Writes zeros into {@code file} until the filesystem has no page left, in 64 KiB and then 4 KiB writes (a tmpfs
     * hands out 4 KiB pages: what one 64 KiB write cannot take still holds a small file, such as a flushed memtable
     * of deletions); returns how many bytes it took.
     */
    private static long fill(Path file) throws IOException {
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int chunkBytes : new int[] {64 * 1024, 4 * 1024}) {
                byte[] chunk = new byte[chunkBytes];
                try {
                    while (true) {
                        out.write(chunk);
                        out.flush();
                        written += chunk.length;
                    }
                } catch (IOException e) {
                    if (!String.valueOf(e.getMessage()).contains("No space left")) {
                        throw e;
                    }
                }
            }
        }
        return written;
    }

    /** What the sink's metrics and df say of the stash's disk. */
    private record DiskReading(double low, double stashed, double free, String df) {
        static DiskReading of(WorkerMetrics metrics, String sinkMetrics, Path mount) {
            return new DiskReading(metrics.sum(sinkMetrics, "backpressure-disk-low"),
                metrics.sum(sinkMetrics, "put-record-total"), metrics.sum(sinkMetrics, "stash-disk-free-bytes"),
                Tmpfs.usage(mount));
        }
    }

    /** A small tmpfs mounted for one test (we run as root in the sandbox); null when mounting is not allowed. */
    static final class Tmpfs implements AutoCloseable {
        static String lastError;
        private final Path dir;

        private Tmpfs(Path dir) {
            this.dir = dir;
        }

        /** Mounts a tmpfs of {@code size} on {@code dir}, created first; skips the test where mounting is not allowed. */
        static Tmpfs mountOrSkip(Path dir, String size) throws IOException {
            Files.createDirectories(dir);
            Tmpfs tmpfs = mount(dir, size);
            Assumptions.assumeTrue(tmpfs != null, "mount -t tmpfs is not allowed here: " + lastError);
            return tmpfs;
        }

        private static Tmpfs mount(Path dir, String size) {
            Run run = Run.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
            if (run.exit != 0) {
                lastError = run.output;
                return null;
            }
            return new Tmpfs(dir);
        }

        /** The bytes the tmpfs holds in use, as df counts them (whole pages, preallocated ones included). */
        static long usedBytes(Path dir) {
            List<String> lines = Run.of("df", "-B1", "--output=used", dir.toString()).output.lines().toList();
            return lines.size() < 2 ? 0 : Long.parseLong(lines.get(1).trim());
        }

        static String usage(Path dir) {
            List<String> lines = Run.of("df", "-k", "--output=size,used,avail", dir.toString()).output.lines().toList();
            return lines.size() < 2 ? "?" : lines.get(1).trim().replaceAll("\\s+", " ") + " (KiB size used avail)";
        }

        @Override
        public void close() {
            if (Run.of("umount", dir.toString()).exit != 0) {
                Run.of("umount", "-l", dir.toString());
            }
        }
    }

    private record Run(int exit, String output) {
        static Run of(String... command) {
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return new Run(process.waitFor(), output);
            } catch (IOException e) {
                return new Run(-1, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Run(-1, "interrupted");
            }
        }
    }
}
