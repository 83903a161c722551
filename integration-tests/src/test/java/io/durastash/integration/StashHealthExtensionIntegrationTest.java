package io.durastash.integration;

import com.fasterxml.jackson.databind.JsonNode;
import io.durastash.rest.StashHealthExtension;
import io.durastash.testkit.Await;
import io.durastash.testkit.connect.ConnectRest;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.embedded.EmbeddedStack;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.Produced;
import io.durastash.testkit.records.RecordLoad;
import io.durastash.testkit.records.TopicReader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stash health REST extension on a worker of an in-process cluster ({@code rest.extension.classes}): it answers
 * {@code GET /durastash/stashes} on the worker's own REST API for the stash the pair opened in that worker: held data
 * and no drainer while only the sink runs, drained once the source runs. (The NO_DRAINER problem, which needs a
 * minute of held data, is proven on a worker process by {@code operations.StashHealthRestTest}.)
 */
@Tag("integration")
class StashHealthExtensionIntegrationTest {
    private static final int RECORDS = 500;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final EmbeddedStack CLUSTER = EmbeddedStack.builder("stash-health")
        .workerProp("rest.extension.classes", StashHealthExtension.class.getName())
        .workerProp(StashHealthExtension.DETAIL_CONFIG, "full").build();

    @TempDir
    Path stashDir;

    @Test
    void theWorkersRestApiShowsAStashWithoutADrainerAndItsDrain() {
        Pair pair = Pair.local().named("health").stash(stashDir, "health").topics("health-in", "health-out").tasks(1, 1);
        Path stash = stashDir.resolve("health");
        CLUSTER.createTopics(pair, 2);
        Produced produced = RecordLoad.produce(CLUSTER.kafka(), pair.inputTopic(), NumberedRecords.of(pair.inputTopic()),
            RECORDS);
        ConnectRest rest = CLUSTER.connectors().rest();

        CLUSTER.connectors().start(pair.sink());
        JsonNode held = Await.until("the stash to hold all " + RECORDS + " records", WAIT, () -> rest.stashHealth(stash),
            entry -> entry.path("pendingRecords").asLong() == RECORDS);
        assertFalse(held.path("drainer").asBoolean(), "only the sink runs: " + held);
        assertEquals("OK", held.path("status").asText(), "within the minute's grace: " + held);
        assertEquals(pair.sink().sinkGroup(), held.path("sinkGroups").path(0).asText(), held.toString());
        assertFalse(held.path("id").asText().isBlank(), held.toString());
        assertTrue(held.path("freeDiskBytes").asLong() > 0, held.toString());

        CLUSTER.connectors().start(pair.source());
        JsonNode drained = Await.until("the source to drain the stash", WAIT, () -> rest.stashHealth(stash),
            entry -> entry.path("drainer").asBoolean() && entry.path("pendingRecords").asLong() == 0);
        assertEquals(held.path("id").asText(), drained.path("id").asText(), "the same stash");
        assertEquals("OK", drained.path("status").asText(), drained.toString());
        assertEquals(0, drained.path("problems").size(), drained.toString());
        TopicReader.of(CLUSTER.bootstrapServers(), pair.outputTopic()).check(produced.expected(), WAIT)
            .requireAtLeastOnce();
    }
}
