package io.durastash.faults;

import io.durastash.stash.testing.RawStash;
import io.durastash.testkit.Await;
import io.durastash.testkit.Deadline;
import io.durastash.testkit.Directories;
import io.durastash.testkit.connect.ConnectRest;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A power loss under {@code stash.sync=false}: the stash's disk goes back to what it held at an earlier moment, while
 * Kafka keeps everything the worker did since, above all the source's committed offsets, which name stash batches by
 * id. The worker is frozen (SIGSTOP) while records flow, its stash copied, and it runs on; once the source has
 * committed offsets of batches the copy never saw, the worker is killed and the copy put in place of the stash. The
 * worker comes back with only its sink, which stashes new records in more batches than the stash lost, and then the
 * source. Were an id handed out again, the source would take those batches for the ones it had already delivered
 * and skip them; every number must arrive.
 */
@Tag("fault-full")
class UnsyncedPowerLossFaultTest {
    static final long RATE = 2_000;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aStashThatLostItsUnsyncedWritesHandsOutNoBatchIdAgainAndLosesNothing() {
        FaultReport report = FaultReport.of("power-loss");
        Path root = FaultData.fresh("power-loss");
        try (ProcessStack stack = ProcessStack.start(root.resolve("stack"))) {
            // Polls of at most 100 records: many small batches, each an unsynced write.
            Pair pair = Pair.local().withSink("stash.sync", "false").withSink("consumer.override.max.poll.records", "100");
            String in = pair.inputTopic();
            String source = pair.source().name();
            String sinkMetrics = WorkerMetrics.pluginMetrics(pair.sink().name());
            stack.createTopics(pair, ProcessStack.PARTITIONS);
            Path stash = stack.stashDir().resolve("demo");
            WorkerProcess worker = stack.startWorker(WorkerSpec.standalone("connect").fastFailover());
            worker.connectors().start(pair);
            RecordLoad before = RecordLoad.into(stack.kafka(), in, NumberedRecords.of(in)).rate(RATE).start();
            KillLoop.awaitFlowing(stack.kafka(), pair);

            // 1. The disk as a power loss would leave it: the stash as it was at one moment of its unsynced writes.
            Path copy = root.resolve("stash-at-power-loss");
            double batchesAtCopy;
            double batchesAtKill;
            try (WorkerMetrics metrics = WorkerMetrics.ofProcess(worker.process().pid())) {
                batchesAtCopy = metrics.sum(sinkMetrics, "put-batch-total");
                worker.suspend();
                try {
                    Directories.copy(stash, copy);
                } finally {
                    worker.resume();
                }
                long[] ids = batchIds(copy, root.resolve("stash-at-power-loss-opened"));
                report.line("stash copied while the worker was frozen (SIGSTOP; the sink had written %.0f batches just "
                    + "before): next batch id %d, ids reserved up to %d", batchesAtCopy, ids[0], ids[1]);

                // 2. The worker runs on: the source delivers batches the copy never saw, and commits their offsets.
                KillLoop.awaitFlowing(stack.kafka(), pair);
                long produced = before.stop(Duration.ofMinutes(2)).acknowledged();
                Await.until("every input record delivered (the sink's committed offsets)", Duration.ofSeconds(60),
                    () -> stack.kafka().committedAll(pair.sink().sinkGroup(), in));
                long committed = committedBatch(worker, source, 2_000);
                batchesAtKill = metrics.sum(sinkMetrics, "put-batch-total");
                assertTrue(committed >= ids[0], "the source committed no batch past the copy (" + committed + " < "
                    + ids[0] + "): nothing to hand out again");
                worker.kill();
                report.line("%d records produced at %d/s; the source committed batch %d, %d past the copy's next id; "
                    + "%.0f batches written after the copy; worker killed (SIGKILL)", produced, RATE, committed,
                    committed - ids[0], batchesAtKill - batchesAtCopy);
            }
            Directories.delete(stash);
            Directories.copy(copy, stash);

            // 3. Back on the copy: the sink alone first, until it has written more batches than the stash lost.
            worker.start();
            worker.connectors().start(pair.sink());
            RecordLoad after = RecordLoad.into(stack.kafka(), in, NumberedRecords.of(in)).rate(RATE).start();
            double lost = batchesAtKill - batchesAtCopy;
            try (WorkerMetrics metrics = WorkerMetrics.ofProcess(worker.process().pid())) {
                Await.until("the sink to write more than " + lost + " batches (put-batch-total)", Duration.ofSeconds(120),
                    () -> metrics.sum(sinkMetrics, "put-batch-total"), written -> written > lost);
            }
            long producedAfter = after.stop(Duration.ofMinutes(2)).acknowledged();
            worker.connectors().start(pair.source());
            Verdict verdict = TopicReader.of(stack.bootstrapServers(), pair.outputTopic())
                .check(Expected.inTopic(stack.kafka(), in), Duration.ofSeconds(30));
            report.verdict(verdict);
            long committedAfter = committedBatch(worker, source, 2_000);
            String log = WorkerLog.read(worker.process().log());
            boolean pastEveryBatch = log.contains("lies past every batch this stash holds");
            report.line("after the restart on the copy: %d records produced, the sink wrote them in more than %.0f "
                + "batches before the source started; the source's committed offset now names batch %d%s", producedAfter,
                lost, committedAfter, pastEveryBatch ? "; the drainer found the committed offset past every batch" : "");
            assertTrue(verdict.atLeastOnce(), verdict.toString());
            assertEquals(0, verdict.missing(), verdict.toString());
            report.line("SUMMARY power-loss: %d records, a stash copy %.0f batches behind the source's committed offset "
                + "put back; lost %d, duplicated %d, out of order %d, %.0f s", verdict.expected(), lost, verdict.missing(),
                verdict.duplicates(), verdict.outOfOrder(), report.seconds());
        }
    }

    /**
     * The next batch id and the end of the id reservation of the stash copied at {@code copy}, as its next open finds
     * them (read from a copy of it at {@code scratch}, which the read recovers and so changes).
     */
    private static long[] batchIds(Path copy, Path scratch) {
        Directories.copy(copy, scratch);
        try (RawStash raw = new RawStash(scratch)) {
            return new long[] {raw.nextBatchId(), raw.idsReserved()};
        }
    }

    /**
     * The batch id of the source's committed offset ({@code GET /connectors/<name>/offsets}) once two reads
     * {@code settleMillis} apart agree; 0 when it has none.
     */
    private static long committedBatch(WorkerProcess worker, String source, long settleMillis) {
        return Await.until("the committed offset of " + source + " to settle", Duration.ofSeconds(60), new Supplier<long[]>() {
            private long last = -1;

            @Override
            public long[] get() {
                long previous = last;
                if (previous >= 0) {
                    Deadline.pause(settleMillis);
                }
                try {
                    ConnectRest.Response offsets = worker.rest().get("connectors/" + source + "/offsets");
                    assertTrue(offsets.ok(), "GET offsets of " + source + ": " + offsets.message());
                    last = offsets.body().path("offsets").path(0).path("offset").path("batch").asLong(0);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return new long[] {previous, last};
            }
        }, reads -> reads[0] == reads[1])[1];
    }
}
