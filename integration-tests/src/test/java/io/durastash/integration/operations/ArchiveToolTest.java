package io.durastash.integration.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durastash.connect.StashGauges;
import io.durastash.testkit.Await;
import io.durastash.testkit.BuildInfo;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.connect.PluginArchive;
import io.durastash.testkit.connect.WorkerMetrics;
import io.durastash.testkit.process.CommandRun;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.RecordLoad;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stash tool as an operator runs it next to a worker ({@code kubectl exec}, or a shell on the host): the plugin
 * archive unzipped, and its own {@code bin/durastash} run as a process on the stash of a worker that holds records
 * in it: refused while the worker has the stash open, then {@code stats} and {@code verify} once it is stopped. The
 * tool's classpath is the unzipped archive's {@code lib/} and {@code tool/lib/} alone.
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ArchiveToolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 1_000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path root;

    @Test
    void theArchivesToolInspectsAndVerifiesAStoppedWorkersStash() throws IOException {
        Path plugin = PluginArchive.ofBuild().installInto(root.resolve("operator"));
        Path durastash = plugin.resolve("bin").resolve("durastash");
        assertTrue(Files.isExecutable(durastash), durastash + " is not executable after unzipping");

        try (ProcessStack stack = ProcessStack.start(root.resolve("stack"))) {
            WorkerProcess worker = stack.startWorker(WorkerSpec.standalone("connect"));
            Pair pair = Pair.local().named("inspected").both("stash.name", "inspected")
                .topics("inspected-in", "inspected-out").tasks(1, 1);
            Path stash = worker.stashDir().resolve("inspected");
            stack.createTopics(pair, ProcessStack.PARTITIONS);
            RecordLoad.produce(stack.kafka(), pair.inputTopic(), NumberedRecords.of(pair.inputTopic()), RECORDS);
            worker.connectors().start(pair.sink());
            String stashId;
            try (WorkerMetrics jmx = WorkerMetrics.ofProcess(worker.process().pid())) {
                Await.until("the sink to stash all " + RECORDS + " records", Duration.ofSeconds(60),
                    () -> jmx.pluginNumber(pair.sink().name(), 0, StashGauges.PENDING_RECORDS) == RECORDS);
                stashId = (String) jmx.pluginMetric(pair.sink().name(), 0, StashGauges.ID);
            }

            CommandRun locked = run(durastash, "--dir", stash.toString(), "stats");
            assertEquals(1, locked.exitCode(), "while the worker has the stash open: " + locked);
            assertTrue(locked.errors().contains("Stop the connectors"), "the fix: " + locked);

            assertTrue(worker.stop(), "the worker stops cleanly");

            CommandRun version = run(durastash, "--version");
            assertEquals(0, version.exitCode(), version.toString());
            assertEquals("durastash " + BuildInfo.load().version(), version.output().strip());

            CommandRun stats = run(durastash, "--dir", stash.toString(), "stats");
            assertEquals(0, stats.exitCode(), stats.toString());
            assertTrue(stats.output().contains("stash            " + stash + "\n"), stats.toString());
            assertTrue(stats.output().contains("id               " + stashId + "\n"), stats.toString());
            assertTrue(stats.output().matches("(?s).*\\npending          \\d+ batch(es)?, " + RECORDS + " records, .*"),
                stats.toString());

            CommandRun json = run(durastash, "--dir", stash.toString(), "--format", "json", "stats");
            assertEquals(0, json.exitCode(), json.toString());
            JsonNode document = JSON.readTree(json.output());
            assertEquals(RECORDS, document.path("pendingRecords").asLong(), json.toString());
            assertEquals(0, document.path("quarantinedEntries").asLong(), json.toString());
            List<String> sinks = new ArrayList<>();
            document.path("stashedOffsets").fieldNames().forEachRemaining(sinks::add);
            assertEquals(1, sinks.size(), "one sink stashed into it: " + json);
            long stashedRecords = 0;
            for (JsonNode lastOffset : document.path("stashedOffsets").path(sinks.get(0))) {
                stashedRecords += lastOffset.asLong() + 1;
            }
            assertEquals(RECORDS, stashedRecords, "the last input offsets stashed, over the input partitions: " + json);

            CommandRun verify = run(durastash, "--dir", stash.toString(), "verify");
            assertEquals(0, verify.exitCode(), verify.toString());
            assertTrue(verify.output().matches("(?s)checked \\d+ batch(es)? and " + RECORDS + " records .*"), verify.toString());
            assertTrue(verify.output().contains("OK: every entry passes its checksum"), verify.toString());
            System.out.printf("%s%n%s%n%s", locked, stats, verify);
        }
    }

    /** {@code <plugin>/bin/durastash args}, with the Java of this build (the script takes $JAVA, else java on PATH). */
    private static CommandRun run(Path durastash, String... args) {
        List<String> command = new ArrayList<>(List.of(durastash.toString()));
        command.addAll(List.of(args));
        return CommandRun.of(command, Map.of("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    }
}
