package io.durastash.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durastash.stash.testing.RawStash;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bytes flipped on disk while the worker is down: one bit in the middle of a stored record and one in the middle of
 * another batch's metadata entry, written with RocksJava straight into the stash's column families. When the worker
 * process comes back, the damaged metadata is rebuilt from its batch's records, in place, and the damaged record is
 * set aside and fetched again from the input topic ({@code input.commit=delivered}) with the rest of its partition
 * from there on: every record arrives once, in order per partition. Both are reported (the stash's quarantine metric, an ERROR in the worker log,
 * {@code durastash quarantine list}), and no task fails.
 */
@Tag("fault-ci")
class CorruptionFaultTest {
    static final int RECORDS = 30_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void damagedMetadataIsRebuiltAndADamagedRecordFetchedAgainSoEveryRecordArrives() throws Exception {
        FaultReport report = FaultReport.of("corruption");
        try (ProcessStack stack = ProcessStack.start(FaultData.fresh("corruption"))) {
            // Polls of at most 500 records, so that the stash holds many batches.
            Pair pair = Pair.local().withSink("consumer.override.max.poll.records", "500");
            String in = pair.inputTopic();
            String out = pair.outputTopic();
            stack.createTopics(pair, ProcessStack.PARTITIONS);
            Path stash = stack.stashDir().resolve("demo");

            // 1. Fill the stash: the sink runs, the source is paused, so every batch stays on disk.
            WorkerProcess worker = stack.startWorker(WorkerSpec.standalone("connect"));
            long produced = StashBacklog.hold(stack, worker, pair, RECORDS);
            assertTrue(worker.stop(), "the worker did not stop within its grace period");
            report.line("%d records stashed with the source paused; worker stopped", produced);

            // 2. Damage it while no process has it open.
            long metaVictim;
            long recordBatch;
            int recordIndex;
            int metaRecords;
            int batches;
            try (RawStash raw = new RawStash(stash)) {
                List<Long> ids = raw.batchIds();
                batches = ids.size();
                assertTrue(batches >= 6, "expected several batches, got " + ids);
                metaVictim = ids.get(batches / 3);
                recordBatch = ids.get(2 * batches / 3);
                metaRecords = metadata(raw, metaVictim).path("recordCount").asInt();
                recordIndex = metadata(raw, recordBatch).path("recordCount").asInt() / 2;
            }
            // Which input record is record recordIndex of recordBatch: the tool shows it (its number is its offset).
            CommandRun show = StashToolRun.durastash("--dir", stash.toString(), "--format", "json", "show",
                Long.toString(recordBatch), "--from", Integer.toString(recordIndex), "--limit", "1");
            assertEquals(0, show.exitCode(), show.toString());
            JsonNode shown = JSON.readTree(show.output()).path("records").path(0);
            try (RawStash raw = new RawStash(stash)) {
                int metaByte = raw.flipMetadataBit(metaVictim);
                int recordByte = raw.flipRecordBit(recordBatch, recordIndex);
                report.line("%d batches on disk; flipped a bit at byte %d of batch %d's metadata (%d records) and at "
                    + "byte %d of record %d of batch %d (input partition %d offset %d)", batches, metaByte, metaVictim,
                    metaRecords, recordByte, recordIndex, recordBatch, shown.path("partition").asInt(),
                    shown.path("offset").asLong());
            }

            // 3. The worker comes back and the pair drains the stash; a watcher looks at the tasks all along.
            worker.start();
            String source = pair.source().name();
            Verdict verdict;
            double quarantinedMetric;
            double lostMetric;
            try (StatusWatch watch = StatusWatch.start(worker, List.of(pair.sink().name(), source));
                 WorkerMetrics metrics = WorkerMetrics.ofProcess(worker.process().pid())) {
                worker.connectors().start(pair);
                verdict = TopicReader.of(stack.bootstrapServers(), out).check(Expected.inTopic(stack.kafka(), in),
                    Duration.ofSeconds(20));
                report.verdict(verdict);
                StashBacklog.awaitDrained(metrics, source);
                quarantinedMetric = metrics.sum(WorkerMetrics.pluginMetrics(source), "stash-quarantined-entries");
                lostMetric = metrics.sum(WorkerMetrics.pluginMetrics(pair.sink().name()), "lost-record-total");
                assertEquals(List.of(), watch.failures(), "a task FAILED");
            }
            assertEquals(0, verdict.missing(), "every record arrives, the damaged one fetched again: " + verdict);
            assertEquals(0, verdict.altered(), verdict.toString());
            assertEquals(0, verdict.duplicates(), "records before the damaged one are not fetched again: " + verdict);
            assertEquals(0, verdict.outOfOrder(), "the damaged record's partition is fetched again in order: " + verdict);
            assertEquals(0.0, lostMetric, "lost-record-total");
            assertEquals(2.0, quarantinedMetric, "stash-quarantined-entries: the metadata entry and the record");

            String log = WorkerLog.read(worker.process().log());
            assertTrue(log.contains("the metadata of batch " + metaVictim + " is damaged"), "no ERROR for batch " + metaVictim);
            assertTrue(log.contains("rebuilt it from the " + metaRecords + " records that survive"),
                "batch " + metaVictim + " is not rebuilt from all its records");
            assertTrue(log.contains("record " + recordIndex + " of batch " + recordBatch + " is corrupt"),
                "no ERROR for record " + recordIndex + " of batch " + recordBatch);

            // durastash quarantine list, once the worker has let go of the stash.
            assertTrue(worker.stop(), "the worker did not stop within its grace period");
            CommandRun list = StashToolRun.durastash("--dir", stash.toString(), "quarantine", "list", "--limit", "5");
            assertEquals(0, list.exitCode(), list.toString());
            report.line("%s", list.toString().strip());
            Quarantined quarantined = Quarantined.of(stash);
            assertEquals(2, quarantined.entries().size(), quarantined.run().toString());
            assertTrue(quarantined.of("meta").stream().anyMatch(e -> e.batch() == metaVictim),
                "the metadata entry is listed: " + quarantined.run());
            assertTrue(quarantined.of("data").stream().anyMatch(e -> e.batch() == recordBatch && e.index() == recordIndex),
                "the record is listed: " + quarantined.run());
            report.line("metric stash-quarantined-entries = %.0f, lost-record-total = %.0f; worker log names batch %d "
                + "(rebuilt from its %d records) and record %d of batch %d; fetched again: %s", quarantinedMetric,
                lostMetric, metaVictim, metaRecords, recordIndex, recordBatch, quarantined.ranges("data"));
            report.line("SUMMARY corruption: %d records, 2 bit flips, batch %d's metadata rebuilt in place, record %d of "
                + "batch %d set aside and its batch's %s fetched again; lost %d, duplicated %d, out of order %d, tasks FAILED 0, "
                + "%.0f s", produced, metaVictim, recordIndex, recordBatch, quarantined.ranges("data"), verdict.missing(),
                verdict.duplicates(), verdict.outOfOrder(), report.seconds());
        }
    }

    /** A batch's metadata JSON as stored. */
    private static JsonNode metadata(RawStash raw, long batchId) throws Exception {
        return JSON.readTree(raw.metadataBytes(batchId));
    }
}
