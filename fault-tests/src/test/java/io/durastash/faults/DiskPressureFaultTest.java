package io.durastash.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durastash.testkit.Await;
import io.durastash.testkit.Deadline;
import io.durastash.testkit.connect.ConnectRest;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Disk pressure on a real worker process:
 * <ul>
 *   <li>a stash bounded far below the backlog ({@code stash.max.bytes} at its 1 MiB minimum) with the source paused:
 *       the sink pauses its partitions (metric, WARN), the backlog waits in Kafka, and once the source is resumed the
 *       stash drains, the sink resumes by itself and every record arrives;</li>
 *   <li>a stash directory on a filesystem that fills up (a 16 MiB tmpfs mounted for the test): the sink task fails
 *       with a message naming the path and the fix, and after the filesystem is grown and the task restarted,
 *       everything stashed before and after arrives.</li>
 * </ul>
 */
@Tag("fault-full")
class DiskPressureFaultTest {
    static final long MAX_BYTES = 1024 * 1024;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aStashSmallerThanTheBacklogPausesTheSinkAndResumesWhenDrained() {
        FaultReport report = FaultReport.of("disk-pressure-max-bytes");
        try (ProcessStack stack = ProcessStack.start(FaultData.fresh("disk-pressure-max-bytes"))) {
            Pair pair = Pair.local().withSink("stash.max.bytes", Long.toString(MAX_BYTES));
            String in = pair.inputTopic();
            String out = pair.outputTopic();
            String group = pair.sink().sinkGroup();
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
            long stashedWhenPaused = stack.kafka().committed(group, in);
            double liveBytes = metrics.sum(sinkMetrics, "stash-live-bytes");
            Deadline.pause(5_000);
            long stashedLater = stack.kafka().committed(group, in);
            double liveBytesLater = metrics.sum(sinkMetrics, "stash-live-bytes");
            report.line("sink paused: committed %d of %d input records, stash-live-bytes %.0f (limit %d); 5 s later "
                + "committed %d, stash-live-bytes %.0f, backpressure-paused-partitions %.0f", stashedWhenPaused, produced,
                liveBytes, MAX_BYTES, stashedLater, liveBytesLater, metrics.sum(sinkMetrics, "backpressure-paused-partitions"));
            assertEquals(stashedWhenPaused, stashedLater, "the sink kept consuming while paused");
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
    void aFullFilesystemFailsTheSinkNamingThePathAndNothingStashedIsLost() throws Exception {
        FaultReport report = FaultReport.of("disk-pressure-full-filesystem");
        Path root = FaultData.fresh("disk-pressure-full-filesystem");
        Path mount = root.resolve("small-fs");
        Files.createDirectories(mount);
        Tmpfs tmpfs = Tmpfs.mount(mount, "16m");
        Assumptions.assumeTrue(tmpfs != null, "mount -t tmpfs is not allowed here: " + Tmpfs.lastError);
        try (tmpfs; ProcessStack stack = ProcessStack.start(root.resolve("stack"))) {
            Pair pair = Pair.local().both("stash.dir", mount.toString());
            String in = pair.inputTopic();
            String out = pair.outputTopic();
            String sink = pair.sink().name();
            String source = pair.source().name();
            stack.createTopics(pair, ProcessStack.PARTITIONS);
            Path stash = mount.resolve("demo");
            WorkerProcess worker = stack.startWorker(WorkerSpec.standalone("connect"));
            worker.connectors().start(pair.sink());
            // Started, then paused: its task keeps its share of the stash open, as a paused (or slow) source does.
            worker.connectors().start(pair.source());
            worker.connectors().startPaused(pair.source());
            Await.until("the source task to be PAUSED", Duration.ofSeconds(30),
                () -> ConnectorStatus.PAUSED.equals(worker.connectors().status(source).tasks().get(0)));
            report.line("stash.dir on a 16 MiB tmpfs (%s); sink RUNNING, source started then PAUSED", mount);

            RecordLoad load = RecordLoad.into(stack.kafka(), in, NumberedRecords.of(in).withValueBytes(1_000))
                .count(40_000).start();
            Await.until("the sink task to fail on the full filesystem", Duration.ofSeconds(120),
                () -> worker.connectors().status(sink).failed());
            long produced = load.await(Duration.ofMinutes(2)).acknowledged();
            ConnectorStatus failed = worker.connectors().status(sink);
            String trace = failed.trace();
            String message = trace.lines().filter(line -> line.contains("StashException")).findFirst()
                .orElse(trace.lines().findFirst().orElse(""));
            long stashed = stack.kafka().committed(pair.sink().sinkGroup(), in);
            report.line("sink task FAILED after %d of %d records were committed as stashed; df: %s", stashed, produced,
                Tmpfs.usage(mount));
            report.line("its error: %s", message);
            assertTrue(trace.contains(stash.toString()), "the error does not name the stash path: " + trace);
            assertTrue(trace.contains("filesystem is full") && trace.contains("Free disk space"),
                "the error does not say what is wrong and what to do: " + trace);
            assertEquals(ConnectorStatus.PAUSED, worker.connectors().status(source).tasks().get(0),
                "the source task was affected");

            // Free space (grow the filesystem), resume the source, then restart the connectors' failed tasks, as the
            // error says: the first task to restart reopens the stash; the source, which held the failed handle while
            // paused, fails when resumed with "restart this task" and is restarted with it.
            tmpfs.resize("512m");
            report.line("filesystem grown to 512 MiB; df: %s", Tmpfs.usage(mount));
            worker.connectors().start(pair.source());
            Deadline.pause(3_000);
            for (String connector : List.of(sink, source)) {
                ConnectRest.Response restart = worker.rest().post("connectors/" + connector
                    + "/restart?includeTasks=true&onlyFailed=true", new ObjectMapper().createObjectNode());
                assertTrue(restart.ok(), "restart " + connector + ": HTTP " + restart.status() + " " + restart.message());
            }
            Deadline.pause(10_000);
            ConnectorStatus sinkAfter = worker.connectors().status(sink);
            ConnectorStatus sourceAfter = worker.connectors().status(source);
            long emittedAfter = stack.kafka().written(out);
            boolean recoveredByTaskRestart = ConnectorStatus.RUNNING.equals(sinkAfter.tasks().get(0))
                && ConnectorStatus.RUNNING.equals(sourceAfter.tasks().get(0)) && emittedAfter > 0;
            report.line("10 s after resuming the source and restarting the failed tasks: sink task %s, source task %s, "
                + "output %d records", sinkAfter.tasks().get(0), sourceAfter.tasks().get(0), emittedAfter);
            if (!recoveredByTaskRestart) {
                report.line("sink error after its restart: %s", firstStashError(sinkAfter.trace()));
                report.line("source error: %s", firstStashError(sourceAfter.trace()));
                // What does bring the stash back: a fresh RocksDB handle, here by restarting the worker process.
                assertTrue(worker.stop(), "the worker did not stop");
                worker.start();
                worker.connectors().start(pair);
                report.line("worker restarted (new RocksDB handle): sink and source RUNNING");
            }
            Verdict verdict = TopicReader.of(stack.bootstrapServers(), out).check(Expected.inTopic(stack.kafka(), in),
                Duration.ofSeconds(60));
            report.verdict(verdict);
            assertTrue(verdict.atLeastOnce(), verdict.toString());
            report.line("SUMMARY disk-pressure-full-filesystem: %d records, sink FAILED with the path and the fix; after "
                + "freeing space, restarting the failed tasks %s; lost %d, duplicated %d, %.0f s", produced,
                recoveredByTaskRestart ? "was enough" : "was NOT enough (the worker had to be restarted)",
                verdict.missing(), verdict.duplicates(), report.seconds());
            // The error says "free disk space ..., then restart the connector's tasks": that must be enough.
            assertTrue(recoveredByTaskRestart, "After the filesystem was grown, restarting the failed tasks (as the "
                + "error message says) did not recover the pipeline: sink task " + sinkAfter.tasks() + ", source task "
                + sourceAfter.tasks() + ", output " + emittedAfter + " records. Sink: " + firstStashError(sinkAfter.trace())
                + " Source: " + firstStashError(sourceAfter.trace()));
        }
    }

    private static String firstStashError(String trace) {
        return trace == null ? "(no error)" : trace.lines().filter(line -> line.contains("StashException")).findFirst()
            .orElse(trace.lines().findFirst().orElse(""));
    }

    /** A small tmpfs mounted for one test (we run as root in the sandbox); null when mounting is not allowed. */
    static final class Tmpfs implements AutoCloseable {
        static String lastError;
        private final Path dir;

        private Tmpfs(Path dir) {
            this.dir = dir;
        }

        static Tmpfs mount(Path dir, String size) {
            Run run = Run.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
            if (run.exit != 0) {
                lastError = run.output;
                return null;
            }
            return new Tmpfs(dir);
        }

        void resize(String size) {
            Run run = Run.of("mount", "-o", "remount,size=" + size, dir.toString());
            if (run.exit != 0) {
                throw new IllegalStateException("remount failed: " + run.output);
            }
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
