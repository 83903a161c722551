package io.durastash.integration.operations;

import com.fasterxml.jackson.databind.JsonNode;
import io.durastash.testkit.Await;
import io.durastash.testkit.BuildInfo;
import io.durastash.testkit.connect.ConnectRest;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.Produced;
import io.durastash.testkit.records.RecordLoad;
import io.durastash.testkit.records.TopicReader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stash health REST extension in a worker process, enabled as the README says
 * ({@code rest.extension.classes=io.durastash.rest.StashHealthExtension}) and loaded from the plugin on plugin.path: a
 * stash stranded on purpose (the sink runs, no source) is reported on the worker's own REST API with the problem
 * NO_DRAINER once it has held data longer than the worker's {@code durastash.health.no.drainer.after.ms} (15 s here;
 * a minute by default), and the problem goes once the source drains it.
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class StashHealthRestTest {
    private static final int RECORDS = 1_000;
    /** How long the stranded stash may hold data before NO_DRAINER: the worker's durastash.health.no.drainer.after.ms. */
    private static final long NO_DRAINER_AFTER_MS = 15_000;
    /** This leaves the worker time to be slow. */
    private static final Duration NO_DRAINER_SEEN = Duration.ofSeconds(75);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path root;

    @Test
    void aStashWithDataAndNoSourceIsReportedAsNoDrainerUntilTheSourceDrainsIt() throws IOException {
        try (ProcessStack stack = ProcessStack.start(root)) {
            WorkerProcess worker = stack.startWorker(WorkerSpec.standalone("connect")
                .property("rest.extension.classes", "io.durastash.rest.StashHealthExtension")
                .property("durastash.health.detail", "full")
                .property("durastash.health.no.drainer.after.ms", String.valueOf(NO_DRAINER_AFTER_MS)));
            ConnectRest rest = worker.rest();
            Pair pair = Pair.local().named("stranded").both("stash.name", "stranded")
                .topics("stranded-in", "stranded-out").tasks(1, 1);
            Path stash = worker.stashDir().resolve("stranded");
            stack.createTopics(pair, ProcessStack.PARTITIONS);
            Produced produced = RecordLoad.produce(stack.kafka(), pair.inputTopic(),
                NumberedRecords.of(pair.inputTopic()), RECORDS);
            worker.connectors().start(pair.sink());

            JsonNode held = Await.until("the stash to hold all " + RECORDS + " records", Duration.ofSeconds(60),
                () -> rest.stashHealth(stash), entry -> entry.path("pendingRecords").asLong() == RECORDS);
            assertFalse(held.path("drainer").asBoolean(), "no source task drains it: " + held);
            assertEquals("OK", held.path("status").asText(), "within the grace: " + held);
            assertEquals(List.of(pair.sink().sinkGroup()), texts(held.path("sinkGroups")), held.toString());
            assertTrue(held.path("placementGuarded").asBoolean(), "config/local's DrainerAssignor: " + held);
            assertFalse(held.path("id").asText().isBlank(), held.toString());

            JsonNode stranded = Await.until("NO_DRAINER for the stranded stash", NO_DRAINER_SEEN, () -> rest.stashHealth(stash),
                entry -> problems(entry).stream().anyMatch(problem -> problem.startsWith("NO_DRAINER")));
            JsonNode answer = rest.stashes();
            assertEquals("ATTENTION", answer.path("status").asText(), answer.toString());
            assertEquals(BuildInfo.load().version(), answer.path("version").asText());
            assertEquals("ATTENTION", stranded.path("status").asText(), stranded.toString());
            assertEquals(held.path("id").asText(), stranded.path("id").asText(), "the same stash");
            assertEquals(1, problems(stranded).size(), "only NO_DRAINER: " + stranded);
            assertTrue(problems(stranded).get(0).contains("tasks.max"), "the fix: " + stranded);
            assertTrue(stranded.path("oldestPendingAgeMs").asLong() >= NO_DRAINER_AFTER_MS, stranded.toString());
            System.out.printf("NO_DRAINER reported after %d s of pending data: %s%n",
                stranded.path("oldestPendingAgeMs").asLong() / 1000, problems(stranded).get(0));

            worker.connectors().start(pair.source());
            JsonNode drained = Await.until("the problem to go once the source drains the stash", Duration.ofSeconds(60),
                () -> rest.stashHealth(stash), entry -> problems(entry).isEmpty() && entry.path("pendingRecords").asLong() == 0);
            assertTrue(drained.path("drainer").asBoolean(), drained.toString());
            assertEquals("OK", drained.path("status").asText(), drained.toString());
            assertEquals("OK", rest.stashes().path("status").asText());
            TopicReader.of(stack.bootstrapServers(), pair.outputTopic()).check(produced.expected(), Duration.ofSeconds(60))
                .requireAtLeastOnce();
        }
    }


    private static List<String> problems(JsonNode entry) {
        return texts(entry.path("problems"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(text -> texts.add(text.asText()));
        return texts;
    }
}
