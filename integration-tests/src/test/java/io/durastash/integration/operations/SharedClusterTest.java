package io.durastash.integration.operations;

import io.durastash.testkit.Await;
import io.durastash.testkit.connect.ConnectRest;
import io.durastash.testkit.connect.ConnectorConfig;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import io.durastash.testkit.records.Expected;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.Produced;
import io.durastash.testkit.records.RecordLoad;
import io.durastash.testkit.records.TopicReader;
import io.durastash.testkit.records.Verdict;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Connect worker process shared by tenants, with the packaged plugin on plugin.path and its operator's
 * {@code DURASTASH_STASH_ROOTS}: a stash outside the roots (directly or through a symbolic link) is refused at
 * {@code validate()}, so Connect refuses to create the connector; a source or a sink of another name on a pair's stash
 * is refused the same way, and the pair's records all reach its own topic, across a restart of its source; a loop
 * through two pairs ends after one round.
 */
@Tag("integration")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedClusterTest {
    private static final int RECORDS = 3_000;
    private static final Duration ARRIVAL = Duration.ofSeconds(90);

    private Path root;
    private ProcessStack stack;
    private WorkerProcess worker;
    private Path roots;

    @BeforeAll
    void startWorker(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws IOException {
        root = dir;
        roots = Files.createDirectories(root.resolve("stashes"));
        stack = ProcessStack.start(root.resolve("stack"));
        worker = stack.startWorker(WorkerSpec.standalone("shared")
            .stashDir(roots.resolve("team-a"))
            .env("DURASTASH_STASH_ROOTS", roots.toString()));
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void connectorsOfOtherNamesAndStashesOutsideTheRootsAreRefusedAndThePairGetsAllItsRecords() throws IOException {
        ConnectRest rest = worker.rest();
        Pair pair = pair("a", "a-stash", "a-in", "a-out");
        stack.createTopics(pair, ProcessStack.PARTITIONS);
        stack.createTopic("thief-out", ProcessStack.PARTITIONS);
        RecordLoad.produce(stack.kafka(), pair.inputTopic(), NumberedRecords.of(pair.inputTopic()), RECORDS);
        worker.connectors().start(pair);

        ConnectorConfig thief = pair.source().named("thief").with("topic", "thief-out");
        refused(rest, thief, "belongs to the pair sink 'a-sink' and source 'a-source', not to the source connector "
            + "'thief'");
        ConnectorConfig intruder = pair.sink().named("intruder").with("topics", "thief-out");
        refused(rest, intruder, "not to the sink connector 'intruder'");
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        refused(rest, pair.sink().named("outside").with("stash.dir", elsewhere.toString()),
            "outside the directories this worker allows for stashes, [" + roots.toRealPath() + "] (DURASTASH_STASH_ROOTS=");
        Path escape = Files.createSymbolicLink(roots.resolve("escape"), elsewhere);
        refused(rest, pair.sink().named("linked").with("stash.dir", escape.toString()),
            "(it resolves to " + elsewhere.toRealPath().resolve("a-stash") + ")");
        assertEquals(List.of("a-sink", "a-source"), rest.connectors().stream().sorted().toList(),
            "Connect created none of the refused connectors");

        // A restart of the pair's source, as any rebalance does: the stash is still its own.
        worker.connectors().stop(pair.source().name());
        worker.connectors().resume(pair.source().name());
        RecordLoad.produce(stack.kafka(), pair.inputTopic(), NumberedRecords.of(pair.inputTopic()), RECORDS);
        Verdict verdict = TopicReader.of(stack.bootstrapServers(), pair.outputTopic())
            .check(Expected.inTopic(stack.kafka(), pair.inputTopic()), ARRIVAL);
        verdict.requireAtLeastOnce();
        System.out.println("The pair's own topic: " + verdict);
        assertEquals(0, stack.kafka().written("thief-out"), "nothing of the pair's went elsewhere");
    }

    @Test
    void aLoopThroughTwoPairsEndsAfterOneRound() throws IOException, InterruptedException {
        Pair looped = pair("loop-a", "loop-a", "loop-in", "loop-out");
        Pair back = pair("loop-b", "loop-b", "loop-out", "loop-in");
        stack.createTopics(looped, ProcessStack.PARTITIONS);
        Produced produced = RecordLoad.produce(stack.kafka(), looped.inputTopic(),
            NumberedRecords.of(looped.inputTopic()), RECORDS);
        worker.connectors().start(looped);
        worker.connectors().start(back);

        TopicReader.of(stack.bootstrapServers(), looped.outputTopic()).check(produced.expected(), ARRIVAL)
            .requireExactlyOnce();
        Await.until("the records copied back into loop-in", ARRIVAL, () -> stack.kafka().written("loop-in"),
            written -> written == 2L * RECORDS);
        // A loop would go on at thousands of records a second; give it time to show.
        Thread.sleep(10_000);
        assertEquals(2L * RECORDS, stack.kafka().written("loop-in"), "each record came back once and went no further");
        assertEquals(RECORDS, stack.kafka().written("loop-out"));
        assertFalse(worker.rest().status("loop-a-sink").failed(), "the sink runs on");
    }

    /** A pair on stash {@code stash} in the worker's stash directory, inside the roots. */
    private static Pair pair(String name, String stash, String input, String output) {
        return Pair.local().named(name).both("stash.dir", "${env:" + WorkerProcess.ENV_STASH_DIR + "}")
            .both("stash.name", stash).topics(input, output).tasks(1, 1);
    }

    private static void refused(ConnectRest rest, ConnectorConfig connector, String expected) throws IOException {
        List<String> problems = rest.validate(connector);
        assertTrue(problems.stream().anyMatch(problem -> problem.contains(expected)), "validate() of '"
            + connector.name() + "' says \"" + expected + "\": " + problems);
        ConnectRest.Response created = rest.deploy(connector, false);
        assertEquals(400, created.status(), "Connect refuses to create '" + connector.name() + "': " + created);
    }
}
