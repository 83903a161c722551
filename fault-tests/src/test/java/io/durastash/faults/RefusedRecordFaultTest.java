package io.durastash.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.durastash.stash.model.OffsetRange;
import io.durastash.testkit.Await;
import io.durastash.testkit.connect.ConnectorStatus;
import io.durastash.testkit.connect.Pair;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One record the output refuses does not stop the pair. A standalone worker process runs the pair with the packaged
 * plugin; the input topic takes records of 3 MB, the output topic keeps the broker's default (about 1 MB). Among
 * 20,000 numbered records one is 1.5 MB: the source sets it aside in the stash's quarantine, whole, with the reason,
 * and delivers the 19,999 others in order, staying RUNNING; the REST health shows it while the pair runs. With the
 * worker stopped, {@code durastash quarantine list} names it with its input offset; once the output topic's
 * {@code max.message.bytes} is raised, {@code quarantine requeue} and the pair started again deliver it.
 */
@Tag("fault-ci")
class RefusedRecordFaultTest {
    static final int RECORDS = 20_000;
    static final int LARGE = 1_500_000;
    static final String THREE_MB = Integer.toString(3 * 1024 * 1024);
    static final String FOUR_MB = Integer.toString(4 * 1024 * 1024);

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aRecordTooLargeForTheOutputIsSetAsideAndTheRestFlowsOn() {
        FaultReport report = FaultReport.of("refused-record");
        try (ProcessStack stack = ProcessStack.start(FaultData.fresh("refused-record"))) {
            Pair pair = Pair.local().withSource("producer.override.max.request.size", FOUR_MB);
            String in = pair.inputTopic();
            String out = pair.outputTopic();
            stack.createTopic(in, ProcessStack.PARTITIONS, Map.of("max.message.bytes", THREE_MB));
            stack.createTopic(out, ProcessStack.PARTITIONS, Map.of());
            WorkerProcess worker = stack.startWorker(WorkerSpec.standalone("connect")
                .property("rest.extension.classes", "io.durastash.rest.StashHealthExtension")
                .property("durastash.health.detail", "full"));
            worker.connectors().start(pair);
            Path stash = stack.stashDir().resolve("demo");

            RecordLoad.produce(stack.kafka(), in, NumberedRecords.of(in), RECORDS / 2);
            RecordLoad.into(stack.kafka(), in, NumberedRecords.of(in).withValueBytes(LARGE))
                .producer(Map.of("max.request.size", FOUR_MB)).count(1).produce();
            RecordLoad.produce(stack.kafka(), in, NumberedRecords.of(in), RECORDS / 2 - 1);
            report.line("%d numbered records produced, one of them %d bytes; output topic at the broker's default "
                + "max.message.bytes", RECORDS, LARGE);

            Verdict verdict = TopicReader.of(stack.bootstrapServers(), out)
                .check(Expected.inTopic(stack.kafka(), in), Duration.ofSeconds(10));
            report.verdict(verdict);
            Map<InputPartition, List<String>> missing = verdict.missingRanges();
            assertEquals(1, verdict.missing(), "only the large record is held back: " + verdict);
            assertEquals(0, verdict.duplicates(), verdict.toString());
            assertEquals(0, verdict.outOfOrder(), verdict.toString());
            for (String connector : List.of(pair.sink().name(), pair.source().name())) {
                ConnectorStatus status = worker.connectors().status(connector);
                assertTrue(status.allIn(ConnectorStatus.RUNNING), status.toString());
            }
            JsonNode health = worker.rest().stashHealth(stash);
            report.line("REST health while the pair runs: status %s, refusedRecords %s, problems %s",
                health.path("status").asText(), health.path("refusedRecords").asText(), health.path("problems"));
            assertEquals("ATTENTION", health.path("status").asText(), health.toString());
            assertEquals(1, health.path("refusedRecords").asInt(), health.toString());
            assertTrue(health.path("problems").toString().contains("REFUSED"), health.toString());

            // The tool needs the stash to itself: the worker stops (a standalone worker keeps no connectors).
            assertTrue(worker.stop(), "the worker stopped cleanly");
            Quarantined quarantined = Quarantined.of(Await.until("the stash to be free for the tool",
                Duration.ofSeconds(30), () -> Quarantined.list(stash), run -> run.exitCode() == 0));
            report.line("durastash quarantine list (connectors stopped):%n%s", quarantined.run().output());
            assertEquals(1, quarantined.entries().size(), quarantined.run().output());
            Map.Entry<InputPartition, List<String>> large = missing.entrySet().iterator().next();
            long number = Long.parseLong(large.getValue().get(0));
            assertEquals(List.of(new OffsetRange(in, large.getKey().partition(), number, number)),
                quarantined.entries().get(0).offsets(), "the refused record's own input offset");
            assertTrue(quarantined.run().output().contains("max.message.bytes"), "the reason names the limit");

            stack.kafka().alterTopicConfig(out, "max.message.bytes", THREE_MB);
            CommandRun requeue = StashToolRun.durastash("--dir", stash.toString(), "quarantine", "requeue", "--all");
            report.line("after raising max.message.bytes of %s to %s: durastash quarantine requeue --all:%n%s", out,
                THREE_MB, requeue.output());
            assertEquals(0, requeue.exitCode(), requeue.toString());
            worker.start();
            worker.connectors().start(pair);

            Verdict after = TopicReader.of(stack.bootstrapServers(), out)
                .check(Expected.inTopic(stack.kafka(), in), Duration.ofSeconds(30));
            report.verdict(after);
            assertEquals(0, after.missing(), "the requeued record arrived: " + after);
            assertEquals(0, after.duplicates(), after.toString());
            assertEquals(0, after.altered(), "byte for byte: " + after);
            assertEquals(1, after.outOfOrder(), "the requeued record comes after the later ones: " + after);
            report.line("SUMMARY refused-record: %d records, one of %d bytes set aside while %d arrived in order with "
                + "the pair RUNNING; requeued after the limit was raised: %d of %d arrived, duplicated %d, %.0f s",
                RECORDS, LARGE, verdict.arrived(), after.arrived(), after.expected(), after.duplicates(),
                report.seconds());
        }
    }
}
