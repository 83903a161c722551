package io.durastash.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.StashKeys;
import io.durastash.stash.testing.RawStash;
import io.durastash.testkit.Await;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.connect.WorkerMetrics;
import io.durastash.testkit.process.CommandRun;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import io.durastash.testkit.records.Expected;
import io.durastash.testkit.records.InputPartition;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.RecordLoad;
import io.durastash.testkit.records.TopicReader;
import io.durastash.testkit.records.Verdict;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bytes flipped on disk while the worker is down: one bit in the middle of a stored record and one in the middle of
 * another batch's metadata entry, written with RocksJava straight into the stash's column families. When the worker
 * process comes back, the damaged batch (metadata) and the damaged record are quarantined and reported (the stash's
 * quarantine metric, an ERROR in the worker log, {@code durastash quarantine list}); every other record is delivered,
 * in order, byte for byte.
 */
@Tag("fault-ci")
class CorruptionFaultTest {
    static final int RECORDS = 30_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void damagedBatchAndRecordAreQuarantinedAndReportedAndEverythingElseIsDelivered() throws Exception {
        FaultReport report = FaultReport.of("corruption");
        try (ProcessStack stack = ProcessStack.start(FaultData.fresh("corruption"))) {
            Pair pair = Pair.local();
            String in = pair.inputTopic();
            String out = pair.outputTopic();
            stack.createTopics(pair, ProcessStack.PARTITIONS);
            Path stash = stack.stashDir().resolve("demo");

            // 1. Fill the stash: the sink runs, the source is paused, so every batch stays on disk.
            WorkerProcess worker = stack.startWorker(WorkerSpec.standalone("connect"));
            worker.connectors().start(pair.sink());
            worker.connectors().startPaused(pair.source());
            long produced = RecordLoad.produce(stack.kafka(), in, NumberedRecords.of(in), RECORDS).acknowledged();
            Await.until("the sink to stash every record", Duration.ofSeconds(120),
                () -> stack.kafka().committedAll(pair.sink().sinkGroup(), in));
            assertTrue(worker.stop(), "the worker did not stop within its grace period");
            report.line("%d records stashed with the source paused; worker stopped", produced);

            // 2. Damage it while no process has it open.
            long metaVictim;
            long recordBatch;
            int recordIndex;
            Map<Integer, TreeSet<Long>> lost = new TreeMap<>();
            int batches;
            try (RawStash raw = new RawStash(stash)) {
                List<Long> ids = raw.keys(Family.META).stream().map(StashKeys::batchId).toList();
                batches = ids.size();
                assertTrue(batches >= 6, "expected several batches, got " + ids);
                metaVictim = ids.get(batches / 3);
                recordBatch = ids.get(2 * batches / 3);
                JsonNode metadata = metadata(raw, metaVictim);
                for (JsonNode range : metadata.path("offsets")) {
                    TreeSet<Long> numbers = lost.computeIfAbsent(range.path("partition").asInt(), p -> new TreeSet<>());
                    for (long n = range.path("first").asLong(); n <= range.path("last").asLong(); n++) {
                        numbers.add(n);
                    }
                }
                assertEquals(metadata.path("recordCount").asInt(), lost.values().stream().mapToInt(TreeSet::size).sum(),
                    "batch " + metaVictim + " holds contiguous offsets per partition: " + metadata);
                recordIndex = metadata(raw, recordBatch).path("recordCount").asInt() / 2;
            }
            // Which input record is record recordIndex of recordBatch: the tool shows it (its number is its offset).
            CommandRun show = StashToolRun.durastash("--dir", stash.toString(), "--format", "json", "show",
                Long.toString(recordBatch), "--from", Integer.toString(recordIndex), "--limit", "1");
            assertEquals(0, show.exitCode(), show.toString());
            JsonNode shown = JSON.readTree(show.output()).path("records").path(0);
            lost.computeIfAbsent(shown.path("partition").asInt(), p -> new TreeSet<>()).add(shown.path("offset").asLong());
            int metaRecords = lost.values().stream().mapToInt(TreeSet::size).sum() - 1;
            try (RawStash raw = new RawStash(stash)) {
                int metaByte = raw.flipBit(Family.META, StashKeys.batch(metaVictim));
                int recordByte = raw.flipRecordBit(recordBatch, recordIndex);
                report.line("%d batches on disk; flipped a bit at byte %d of batch %d's metadata (%d records) and at "
                    + "byte %d of record %d of batch %d (input partition %d offset %d)", batches, metaByte, metaVictim,
                    metaRecords, recordByte, recordIndex, recordBatch, shown.path("partition").asInt(),
                    shown.path("offset").asLong());
            }

            // 3. The worker comes back and the pair drains the stash.
            worker.start();
            worker.connectors().start(pair);
            Verdict verdict = TopicReader.of(stack.bootstrapServers(), out).check(Expected.inTopic(stack.kafka(), in),
                Duration.ofSeconds(20));
            report.verdict(verdict);
            assertEquals(ranges(in, lost), verdict.missingRanges(),
                "exactly the damaged batch and the damaged record are missing: " + verdict);
            assertEquals(0, verdict.outOfOrder(), verdict.toString());
            assertEquals(0, verdict.altered(), verdict.toString());
            assertEquals(0, verdict.duplicates(), verdict.toString());

            // Reported: the stash's metric, the worker log.
            long expectedQuarantined = 1 + metaRecords + 1;
            String pattern = WorkerMetrics.pluginMetrics(pair.source().name());
            try (WorkerMetrics metrics = WorkerMetrics.ofProcess(worker.process().pid())) {
                Await.until("stash-quarantined-entries = " + expectedQuarantined + " on " + pattern, Duration.ofSeconds(30),
                    () -> metrics.sum(pattern, "stash-quarantined-entries") == expectedQuarantined);
            }
            String log = WorkerLog.read(worker.process().log());
            assertTrue(log.contains("the metadata of batch " + metaVictim + " is corrupt"), "no ERROR for batch " + metaVictim);
            assertTrue(log.contains("record " + recordIndex + " of batch " + recordBatch + " is corrupt"),
                "no ERROR for record " + recordIndex + " of batch " + recordBatch);
            report.line("metric stash-quarantined-entries = %d (1 metadata entry + %d records of batch %d + 1 record); "
                + "worker log names batch %d and record %d of batch %d", expectedQuarantined, metaRecords, metaVictim,
                metaVictim, recordIndex, recordBatch);

            // durastash quarantine list, once the worker has let go of the stash.
            assertTrue(worker.stop(), "the worker did not stop within its grace period");
            CommandRun list = StashToolRun.durastash("--dir", stash.toString(), "quarantine", "list", "--limit", "5");
            assertEquals(0, list.exitCode(), list.toString());
            report.line("%s", list.toString().strip());
            CommandRun json = StashToolRun.durastash("--dir", stash.toString(), "--format", "json", "quarantine", "list",
                Long.toString(metaVictim), Long.toString(recordBatch), "--limit", "10000");
            JsonNode entries = JSON.readTree(json.output());
            assertEquals(expectedQuarantined, entries.path("total").asLong(), json.toString());
            boolean recordListed = false;
            boolean metadataListed = false;
            for (JsonNode entry : entries.path("entries")) {
                metadataListed |= entry.path("batch").asLong() == metaVictim && "meta".equals(entry.path("family").asText());
                recordListed |= entry.path("batch").asLong() == recordBatch && entry.path("index").asInt() == recordIndex;
            }
            assertTrue(metadataListed && recordListed, "quarantine list does not show both: " + abbreviate(json.toString()));
            report.line("SUMMARY corruption: %d records, 2 bit flips, quarantined %d entries (batch %d whole: %d records; "
                + "record %d of batch %d), delivered %d of %d, duplicated %d, out of order %d, %.0f s", produced,
                expectedQuarantined, metaVictim, metaRecords, recordIndex, recordBatch, verdict.arrived(),
                verdict.expected(), verdict.duplicates(), verdict.outOfOrder(), report.seconds());
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 2_000 ? text : text.substring(0, 2_000) + "...";
    }

    /** A batch's metadata JSON as stored. */
    private static JsonNode metadata(RawStash raw, long batchId) throws Exception {
        return JSON.readTree(raw.get(Family.META, StashKeys.batch(batchId)));
    }

    /** Per input partition of {@code series}, the numbers as the verdict lists missing ones: "a-b" or "a", in order. */
    private static Map<InputPartition, List<String>> ranges(String series, Map<Integer, TreeSet<Long>> numbers) {
        Map<InputPartition, List<String>> ranges = new TreeMap<>(Comparator.comparingInt(InputPartition::partition));
        numbers.forEach((partition, set) -> {
            List<String> list = new ArrayList<>();
            Long first = null;
            Long last = null;
            for (long n : set) {
                if (last != null && n == last + 1) {
                    last = n;
                    continue;
                }
                if (first != null) {
                    list.add(first.equals(last) ? Long.toString(first) : first + "-" + last);
                }
                first = n;
                last = n;
            }
            if (first != null) {
                list.add(first.equals(last) ? Long.toString(first) : first + "-" + last);
            }
            ranges.put(new InputPartition(series, partition), list);
        });
        return ranges;
    }
}
