package io.durastash.faults;

import io.durastash.testkit.Await;
import io.durastash.testkit.connect.Connectors;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import io.durastash.testkit.records.Expected;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.RecordLoad;
import io.durastash.testkit.records.TopicReader;
import io.durastash.testkit.records.Verdict;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The distributed deployment with a stash per host: three ConnectDistributed workers, each given its own stash
 * directory as {@code DURASTASH_STASH_DIR}, and the pair configured once with
 * {@code "stash.dir": "${env:DURASTASH_STASH_DIR}"}, which each worker resolves through its own EnvVarConfigProvider.
 * Every worker's tasks stash into that worker's directory. One worker is killed and comes back on an emptied
 * directory, as a host whose disk was replaced: it opens a new stash there. What that costs in records is reported,
 * not judged here.
 */
@Tag("fault-full")
class StashPerWorkerFaultTest {
    static final int WORKERS = 3;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void eachWorkerStashesIntoItsOwnDirectoryAndComesBackOnAnEmptiedOne() {
        FaultReport report = FaultReport.of("stash-per-worker");
        try (ProcessStack stack = ProcessStack.start(FaultData.fresh("stash-per-worker"))) {
            Pair pair = Pair.local().both("stash.dir", "${env:" + WorkerProcess.ENV_STASH_DIR + "}")
                .tasks(WORKERS, WORKERS);
            stack.createTopics(pair, ProcessStack.PARTITIONS);
            List<WorkerProcess> workers = new ArrayList<>();
            for (int i = 1; i <= WORKERS; i++) {
                String name = "connect-" + i;
                workers.add(stack.startWorker(WorkerSpec.distributed(name).fastFailover()
                    .stashDir(stack.root().resolve("workers").resolve(name).resolve("stash"))));
            }
            stack.connectors().start(pair);
            long produced = RecordLoad.produce(stack.kafka(), pair.inputTopic(), NumberedRecords.of(pair.inputTopic()),
                30_000).acknowledged();
            for (WorkerProcess worker : workers) {
                Path stash = worker.stashDir().resolve("demo");
                Await.until("a stash in " + stash, Duration.ofSeconds(60), () -> Files.isDirectory(stash));
                report.line("worker pid %d stashes into %s (stash %s)", worker.process().pid(), stash,
                    WorkerLog.stashIdsOpened(worker.process().log(), stash));
            }
            assertFalse(Files.exists(stack.stashDir().resolve("demo")), "a worker used the stack's shared stash");

            WorkerProcess replaced = workers.get(1);
            Path stash = replaced.stashDir().resolve("demo");
            List<String> before = WorkerLog.stashIdsOpened(replaced.process().log(), stash);
            long killed = replaced.process().pid();
            replaced.kill();
            replaced.emptyStash();
            replaced.start();
            stack.connectors().awaitRunning(pair.sink().name(), WORKERS, Connectors.START);
            stack.connectors().awaitRunning(pair.source().name(), WORKERS, Connectors.START);
            Await.until("the restarted worker to open a new stash in " + stash, Duration.ofSeconds(60),
                () -> WorkerLog.stashIdsOpened(replaced.process().log(), stash).size() > before.size());
            List<String> after = WorkerLog.stashIdsOpened(replaced.process().log(), stash);
            assertNotEquals(before.get(before.size() - 1), after.get(after.size() - 1), "a new stash on the empty disk");
            report.line("worker pid %d killed, started again (pid %d) on an emptied %s: stash %s, then %s", killed,
                replaced.process().pid(), replaced.stashDir(), before, after);

            Verdict verdict = TopicReader.of(stack.bootstrapServers(), pair.outputTopic())
                .check(Expected.inTopic(stack.kafka(), pair.inputTopic()), Duration.ofSeconds(30));
            report.verdict(verdict);
            assertEquals(produced, verdict.expected(), "the verdict counts what the load produced");
            report.line("SUMMARY stash-per-worker: %d workers, %d records, one worker's stash replaced by an empty one: "
                + "missing %d, duplicated %d, %.0f s", WORKERS, produced, verdict.missing(), verdict.duplicates(),
                report.seconds());
        }
    }
}
