package io.durastash.faults;

import io.durastash.testkit.Deadline;
import io.durastash.testkit.connect.ConnectorConfig;
import io.durastash.testkit.connect.ConnectorStatus;
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

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker process goes away mid-stream, twice: first a clean stop (SIGTERM, kafka-server-stop.sh), then a SIGKILL,
 * each time for {@link #OUTAGE} before it is started again on the same log dirs. The standalone worker (config/local
 * as it is) keeps running; its tasks must recover by themselves (no REST restart is ever sent, and no task is ever
 * seen FAILED) and every number must arrive, in order.
 */
@Tag("fault-full")
class BrokerOutageFaultTest {
    static final Duration OUTAGE = Duration.ofSeconds(15);
    static final long RATE = 2_000;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void tasksRecoverByThemselvesAfterTheBrokerIsStoppedAndKilledAndNothingIsLost() {
        FaultReport report = FaultReport.of("broker-outage");
        try (ProcessStack stack = ProcessStack.start(FaultData.fresh("broker-outage"))) {
            Pair pair = Pair.local();
            String in = pair.inputTopic();
            String out = pair.outputTopic();
            stack.createTopics(pair, ProcessStack.PARTITIONS);
            WorkerProcess worker = stack.startWorker(WorkerSpec.standalone("connect"));
            worker.connectors().start(pair);
            StatusWatch watch = StatusWatch.start(worker, List.of(pair.sink().name(), pair.source().name()));
            RecordLoad load = RecordLoad.into(stack.kafka(), in, NumberedRecords.of(in)).rate(RATE).start();
            report.line("pair RUNNING on a standalone worker (pid %d); numbered records at %d/s", worker.process().pid(), RATE);

            for (String how : List.of("SIGTERM", "SIGKILL")) {
                KillLoop.awaitFlowing(stack.kafka(), pair);
                Deadline.pause(2_000);
                long t0 = System.nanoTime();
                long pid = stack.broker().process().pid();
                if ("SIGTERM".equals(how)) {
                    boolean clean = stack.stopBroker();
                    report.line("broker pid %d stopped with SIGTERM in %.1f s%s", pid, (System.nanoTime() - t0) / 1e9,
                        clean ? "" : " (it needed a SIGKILL after the grace period)");
                } else {
                    stack.killBroker();
                    report.line("broker pid %d killed with SIGKILL", pid);
                }
                Deadline.pause(OUTAGE.toMillis());
                long t1 = System.nanoTime();
                stack.startBroker();
                report.line("no broker for %.1f s (the outage, then its start): started again (pid %d), answering "
                    + "after %.1f s",
                    (System.nanoTime() - t0) / 1e9, stack.broker().process().pid(), (System.nanoTime() - t1) / 1e9);
                long flowing = KillLoop.awaitFlowing(stack.kafka(), pair);
                report.line("records flow end to end again %.1f s after the broker answered; task states seen so far: %s",
                    flowing / 1e3, watch.statesSeen());
            }
            Deadline.pause(2_000);
            long produced = load.stop(Duration.ofMinutes(2)).acknowledged();
            report.line("load stopped: %d numbered records produced at %d/s", produced, RATE);
            Verdict verdict = TopicReader.of(stack.bootstrapServers(), out).check(Expected.inTopic(stack.kafka(), in),
                Duration.ofSeconds(60));
            watch.close();
            report.verdict(verdict);
            assertTrue(verdict.atLeastOnce(), verdict.toString());
            assertEquals(produced, verdict.expected());
            assertEquals(List.of(), watch.failures(), "a task FAILED during the outage");
            assertTrue(worker.process().isAlive(), "the worker died");
            for (ConnectorConfig connector : List.of(pair.sink(), pair.source())) {
                ConnectorStatus status = worker.connectors().status(connector.name());
                assertTrue(status.allIn(ConnectorStatus.RUNNING), connector.name() + ": " + status);
            }
            report.line("connector and task states seen every 500 ms through both outages: %s; no restart requested",
                watch.statesSeen());
            report.line("SUMMARY broker-outage: %d records, broker stopped once and killed once (%d s each), lost %d, "
                + "duplicated %d, out of order %d, tasks FAILED %d, %.0f s", produced, OUTAGE.toSeconds(),
                verdict.missing(), verdict.duplicates(), verdict.outOfOrder(), watch.failures().size(), report.seconds());
        }
    }
}
