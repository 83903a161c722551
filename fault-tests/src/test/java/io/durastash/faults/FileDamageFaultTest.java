package io.durastash.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durastash.stash.testing.RawStash;
import io.durastash.testkit.Deadline;
import io.durastash.testkit.Directories;
import io.durastash.testkit.connect.ConnectorStatus;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.connect.WorkerMetrics;
import io.durastash.testkit.process.CommandRun;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import io.durastash.testkit.records.Expected;
import io.durastash.testkit.records.TopicReader;
import io.durastash.testkit.records.Verdict;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bytes rotting in RocksDB's own files while the worker is down: a block of an SST file of {@code data}, one of
 * {@code meta}, and the write-ahead log three quarters in, where it holds the last writes. When the worker process
 * comes back, its tasks keep RUNNING; the unreadable records are set aside and fetched again from the input topic
 * ({@code input.commit=delivered}) with every later record of their partitions, so that nothing arrives out of order;
 * the damaged metadata is rebuilt in place, and the writes the WAL lost are consumed again: every record arrives, in
 * order per partition. The damage is named in the worker
 * log, the stash's metrics and {@code durastash verify}; once delivered, nothing is delivered again.
 */
@Tag("fault-ci")
class FileDamageFaultTest {
    /** Records the worker stashes before a restart, whose open replays them from the WAL into SST files. */
    static final int IN_FILES = 20_000;
    /** Records stashed after that restart, only in the WAL when the worker stops. */
    static final int IN_WAL = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REOPENED = Pattern.compile("pending=\\d+ batches/(\\d+) records");

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void damagedDataMetaAndWalFilesCostNoRecordAndFailNoTask() throws Exception {
        FaultReport report = FaultReport.of("file-damage");
        Path root = FaultData.fresh("file-damage");
        try (ProcessStack stack = ProcessStack.start(root.resolve("stack"))) {
            // Polls of at most 500 records, so that the stash holds many batches and the damage costs a few.
            Pair pair = Pair.local().withSink("consumer.override.max.poll.records", "500");
            String in = pair.inputTopic();
            String out = pair.outputTopic();
            stack.createTopics(pair, ProcessStack.PARTITIONS);
            Path stash = stack.stashDir().resolve("demo");

            // 1. Records in SST files and in the WAL, the source paused.
            WorkerProcess worker = stack.startWorker(WorkerSpec.standalone("connect"));
            StashBacklog.hold(stack, worker, pair, IN_FILES);
            assertTrue(worker.stop(), "the worker did not stop within its grace period");
            worker.start();
            StashBacklog.hold(stack, worker, pair, IN_WAL);
            assertTrue(worker.stop(), "the worker did not stop within its grace period");
            long produced = stack.kafka().written(in);

            // 2. Damage, while no process has the stash open.
            Path dataFile = largest(RawStash.recordSstFiles(stash));
            Path metaFile = largest(RawStash.metadataSstFiles(stash));
            Path wal = RawStash.wal(stash);
            long walBytes = Files.size(wal);
            RawStash.damage(dataFile, Files.size(dataFile) / 2, 8);
            RawStash.damage(metaFile, Files.size(metaFile) / 2, 8);
            RawStash.damage(wal, walBytes * 3 / 4, 16);
            report.line("%d records stashed with the source paused, %d of them in SST files and %d after in the WAL; "
                + "flipped 8 bytes in the middle of %s (data, %d bytes) and of %s (meta, %d bytes), 16 bytes at 3/4 of "
                + "%s (WAL, %d bytes)", produced, IN_FILES, IN_WAL, dataFile.getFileName(), Files.size(dataFile),
                metaFile.getFileName(), Files.size(metaFile), wal.getFileName(), walBytes);

            // What the tool finds; on a copy, since opening the stash drops the WAL's writes after the damage.
            Path copy = root.resolve("stash-as-damaged");
            Directories.copy(stash, copy);
            CommandRun verify = StashToolRun.durastash("--dir", copy.toString(), "--format", "json", "verify");
            assertEquals(3, verify.exitCode(), "verify reports damage: " + verify);
            List<String> found = new ArrayList<>();
            for (JsonNode damage : JSON.readTree(verify.output()).path("damages")) {
                found.add(damage.path("kind").asText() + " batch " + damage.path("batch").asLong() + ": "
                    + damage.path("detail").asText());
            }
            report.line("durastash verify (exit 3): %s", String.join(" | ", found));
            assertTrue(found.stream().anyMatch(d -> d.startsWith("WAL")), "verify names the WAL: " + found);
            for (Path file : List.of(dataFile, metaFile)) {
                assertTrue(found.stream().anyMatch(d -> d.contains(file.getFileName().toString())),
                    "verify names " + file.getFileName() + ": " + found);
            }

            // 3. The worker comes back and the pair drains the stash; a watcher looks at the tasks all along.
            worker.start();
            String sink = pair.sink().name();
            String source = pair.source().name();
            Verdict verdict;
            double quarantinedMetric;
            double lostMetric;
            double restashed;
            long emitted;
            List<String> failures;
            try (StatusWatch watch = StatusWatch.start(worker, List.of(sink, source));
                 WorkerMetrics metrics = WorkerMetrics.ofProcess(worker.process().pid())) {
                worker.connectors().start(pair);
                verdict = TopicReader.of(stack.bootstrapServers(), out).check(Expected.inTopic(stack.kafka(), in),
                    Duration.ofSeconds(30));
                report.verdict(verdict);
                StashBacklog.awaitDrained(metrics, source);
                String sourceMetrics = WorkerMetrics.pluginMetrics(source);
                emitted = stack.kafka().written(out);
                Deadline.pause(10_000); // a window to see that nothing is delivered again
                assertEquals(emitted, stack.kafka().written(out), "the output still grows with the stash empty");
                quarantinedMetric = metrics.sum(sourceMetrics, "stash-quarantined-entries");
                lostMetric = metrics.sum(WorkerMetrics.pluginMetrics(sink), "lost-record-total");
                restashed = metrics.sum(WorkerMetrics.pluginMetrics(sink), "put-record-total");
                failures = watch.failures();
                assertEquals(List.of(), failures, "a task FAILED");
                report.line("task states seen every 500 ms from the restart on: %s; output %d records, still %d 10 s "
                    + "after the stash emptied", watch.statesSeen(), emitted, emitted);
                for (String connector : List.of(sink, source)) {
                    assertTrue(worker.connectors().status(connector).allIn(ConnectorStatus.RUNNING), connector);
                }
            }
            assertEquals(0, verdict.missing(), "every record arrives, the damaged ones fetched again: " + verdict);
            assertEquals(0, verdict.altered(), verdict.toString());
            assertEquals(0, verdict.duplicates(), "records handed out before the damage are not fetched again: " + verdict);
            assertEquals(0, verdict.outOfOrder(), "records fetched again after damage arrive in order: " + verdict);
            assertEquals(0.0, lostMetric, "lost-record-total");

            // Named: in the worker log and the stash's quarantine (the metric counts its entries).
            String log = WorkerLog.read(worker.process().log());
            assertTrue(worker.stop(), "the worker did not stop within its grace period");
            Quarantined quarantined = Quarantined.of(stash);
            List<Quarantined.Entry> walEntries = quarantined.of("wal");
            List<Quarantined.Entry> metaEntries = quarantined.of("meta");
            List<Quarantined.Entry> dataEntries = quarantined.of("data");
            report.line("quarantine: %d entries, %d of the WAL, %d metadata entries (batches %s, rebuilt in place), %d "
                + "of records (%s, %d records, input offsets %s); metric stash-quarantined-entries %.0f, lost-record-total "
                + "%.0f", quarantined.entries().size(), walEntries.size(), metaEntries.size(), batches(metaEntries),
                dataEntries.size(), batches(dataEntries), dataEntries.stream().mapToInt(Quarantined.Entry::records).sum(),
                quarantined.ranges("data"), quarantinedMetric, lostMetric);
            assertEquals(1, walEntries.size(), quarantined.run().toString());
            assertFalse(metaEntries.isEmpty(), "a metadata entry set aside: " + quarantined.run());
            assertFalse(dataEntries.isEmpty(), "records set aside: " + quarantined.run());
            assertEquals(quarantined.entries().size(), (long) quarantinedMetric, "stash-quarantined-entries");

            assertTrue(log.contains("its write-ahead log is damaged"), "no ERROR for the WAL");
            assertTrue(log.contains(metaFile.getFileName().toString()), "the log does not name " + metaFile.getFileName());
            for (Quarantined.Entry entry : metaEntries) {
                assertTrue(log.contains("the metadata of batch " + entry.batch() + " is damaged"), "no ERROR for batch "
                    + entry.batch());
            }
            for (Quarantined.Entry entry : dataEntries) {
                String named = entry.records() > 1 ? "records " + entry.index() + " to "
                    + (entry.index() + entry.records() - 1) + " of batch " + entry.batch()
                    : "record " + entry.index() + " of batch " + entry.batch();
                assertTrue(log.contains(named), "no ERROR naming " + named);
            }
            long refetches = WorkerLog.count(log, "Fetching records of ");
            Matcher opened = REOPENED.matcher(log.substring(log.lastIndexOf("Opened stash ")));
            assertTrue(opened.find(), "the worker logged what the stash held when it opened");
            long held = Long.parseLong(opened.group(1));
            report.line("worker log: ERRORs for the WAL, %s and every entry; on reopen the stash held %d of %d records "
                + "(the rest went with the WAL's writes after the damage); the sink stashed %.0f records again (those, "
                + "and each damaged partition from its first set-aside record on); %d WARNs 'Fetching records of ... again' (the consumer was sent "
                + "back)", metaFile.getFileName(), held, produced, restashed, refetches);
            report.line("SUMMARY file-damage: %d records, damaged %s (data), %s (meta), %s (WAL); set aside %d records "
                + "and %d metadata entries, fetched again %d input ranges; lost %d, duplicated %d, out of order %d, tasks FAILED %d, %.0f s", produced, dataFile.getFileName(),
                metaFile.getFileName(), wal.getFileName(), dataEntries.stream().mapToInt(Quarantined.Entry::records).sum(),
                metaEntries.size(), quarantined.ranges("data").size(), verdict.missing(), verdict.duplicates(),
                verdict.outOfOrder(), failures.size(), report.seconds());
        }
    }

    private static Path largest(List<Path> files) throws Exception {
        assertFalse(files.isEmpty(), "no SST file to damage");
        List<Path> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparingLong(f -> f.toFile().length()));
        return sorted.get(sorted.size() - 1);
    }

    private static List<Long> batches(List<Quarantined.Entry> entries) {
        return entries.stream().map(Quarantined.Entry::batch).distinct().toList();
    }
}
