package io.durastash.integration;

import io.durastash.stash.model.StashStats;
import io.durastash.testkit.Await;
import io.durastash.testkit.connect.ConnectorConfig;
import io.durastash.testkit.connect.WorkerMetrics;
import io.durastash.testkit.embedded.EmbeddedStack;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.Produced;
import io.durastash.testkit.records.RecordLoad;
import io.durastash.testkit.records.TopicReader;
import io.durastash.testkit.records.Verdict;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pair on one real worker and broker: numbered records go into input topics, the sink stashes them,
 * the source emits them, and a consumer of the output topics checks what arrived.
 */
@Tag("integration")
class PipelineIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final WorkerMetrics JMX = WorkerMetrics.inThisJvm();

    @RegisterExtension
    static final EmbeddedStack CLUSTER = EmbeddedStack.builder("pipeline").workers(1).build();

    @TempDir
    Path stashDir;

    /** The input topic and its output topic, with the same partitions. */
    private static void createTopics(String input, int partitions) {
        CLUSTER.createTopic(input, partitions);
        CLUSTER.createTopic(Pipeline.out(input), partitions);
    }

    @Test
    void recordsOfSeveralTopicsArriveByteExactInOrderAndTheStashEndsEmpty() {
        createTopics("orders", 3);
        createTopics("payments", 2);
        Pipeline pipeline = Pipeline.of("exact", stashDir, "orders,payments").with(pair -> pair.tasks(2, 1));
        CLUSTER.connectors().start(pipeline.pair());

        Produced orders = RecordLoad.produce(CLUSTER.kafka(), "orders", NumberedRecords.of("orders").varied(), 60_000);
        Produced payments = RecordLoad.produce(CLUSTER.kafka(), "payments", NumberedRecords.of("payments").varied(),
            45_000);

        Verdict verdict = TopicReader.of(CLUSTER.bootstrapServers(), Pipeline.out("orders"), Pipeline.out("payments"))
            .check(orders.expected().and(payments.expected()), TIMEOUT);
        if (!verdict.complete()) {
            throw new AssertionError(verdict + "\n" + pipeline.diagnose(CLUSTER.kafka()));
        }
        verdict.requireExactlyOnce();
        assertEquals(105_000, verdict.records());
        StashStats stats = pipeline.awaitEmpty(TIMEOUT);
        assertEquals(0, stats.liveRecords(), "stash after the drain: " + stats);
    }

    @Test
    void metricsAreReadOverJmxFromTheRunningWorker() {
        createTopics("metered", 2);
        Pipeline pipeline = Pipeline.of("metrics", stashDir, "metered").with(pair -> pair.tasks(2, 1));
        CLUSTER.connectors().start(pipeline.pair());
        Produced produced = RecordLoad.produce(CLUSTER.kafka(), "metered", NumberedRecords.of("metered"), 5_000);
        TopicReader.of(CLUSTER.bootstrapServers(), Pipeline.out("metered")).check(produced.expected(), TIMEOUT)
            .requireExactlyOnce();
        pipeline.awaitEmpty(TIMEOUT);

        double put = 0;
        for (int task = 0; task < 2; task++) {
            double stashedByTask = JMX.pluginNumber(pipeline.sinkName(), task, "put-record-total");
            put += stashedByTask;
            if (stashedByTask > 0) {
                // A task that stashed nothing (no partition assigned) has no WAL sync sample: its max is NaN.
                double walSyncMaxMs = JMX.pluginNumber(pipeline.sinkName(), task, "wal-sync-time-max-ms");
                assertTrue(walSyncMaxMs >= 0, "task " + task + " stashed records but reports WAL sync max " + walSyncMaxMs);
            }
            assertEquals(0.0, JMX.pluginNumber(pipeline.sinkName(), task, "backpressure-paused"));
            assertEquals(pipeline.stashPath().toString(), JMX.pluginMetric(pipeline.sinkName(), task, "stash-path"));
        }
        assertEquals(5_000.0, put, "records stashed by both sink tasks");
        assertEquals(5_000.0, JMX.pluginNumber(pipeline.sourceName(), 0, "emit-record-total"));
        Await.until("the source's ack-record-total to reach 5,000", TIMEOUT,
            () -> JMX.pluginNumber(pipeline.sourceName(), 0, "ack-record-total"), acked -> acked >= 5_000);
        assertEquals(5_000.0, JMX.pluginNumber(pipeline.sourceName(), 0, "ack-record-total"));
        assertEquals(1.0, JMX.pluginNumber(pipeline.sourceName(), 0, "drainer"));
        assertEquals(1.0, JMX.pluginNumber(pipeline.sourceName(), 0, "stash-drainer-active"));
        assertEquals(0.0, JMX.pluginNumber(pipeline.sourceName(), 0, "stash-pending-records"));
        assertEquals(0.0, JMX.pluginNumber(pipeline.sourceName(), 0, "dropped-record-total"));
    }

    @Test
    void schemaDataArrivesEqual() {
        String topic = "schema-in";
        createTopics(topic, 1);
        Pipeline pipeline = Pipeline.of("schema", stashDir, topic).with(pair -> pair.tasks(1, 1)
            .both("key.converter", JsonConverter.class.getName()).both("key.converter.schemas.enable", "true")
            .both("value.converter", JsonConverter.class.getName()).both("value.converter.schemas.enable", "true"));
        CLUSTER.connectors().start(pipeline.pair());

        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), false);
        List<SchemaAndValue> sent = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Struct value = SchemaFixtures.order(i);
            records.add(new ProducerRecord<>(topic, 0, converter.fromConnectData(topic, Schema.INT32_SCHEMA, i),
                converter.fromConnectData(topic, value.schema(), value)));
            sent.add(new SchemaAndValue(value.schema(), value));
        }
        produce(records);

        List<SchemaAndValue> received = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : consume(Pipeline.out(topic), 200)) {
            SchemaAndValue value = converter.toConnectData(topic, record.value());
            received.add(value);
            assertEquals(converter.toConnectData(topic, record.key()).value(), ((Struct) value.value()).get("id"));
        }
        // The JSON schema envelope drops nothing we use, so what comes out must equal what the input converter sees.
        List<SchemaAndValue> expected = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            expected.add(converter.toConnectData(topic, record.value()));
        }
        assertEquals(expected, received);
        assertEquals(sent.get(7).value().toString(), received.get(7).value().toString());
    }

    @Test
    void restartsAndPausesMidStreamLoseNothing() throws Exception {
        createTopics("restarts", 3);
        Pipeline pipeline = Pipeline.of("restarts", stashDir, "restarts").with(pair -> pair.tasks(2, 1));
        CLUSTER.connectors().start(pipeline.pair());
        RecordLoad load = RecordLoad.into(CLUSTER.kafka(), "restarts", NumberedRecords.of("restarts")).count(30_000)
            .start();

        CLUSTER.connect().restartConnectorAndTasks(pipeline.sinkName(), false, false, false);
        CLUSTER.connect().restartTask(pipeline.sourceName(), 0);
        CLUSTER.connect().pauseConnector(pipeline.sourceName());
        CLUSTER.connect().pauseConnector(pipeline.sinkName());
        Thread.sleep(1_000);
        CLUSTER.connect().resumeConnector(pipeline.sinkName());
        Thread.sleep(500);
        CLUSTER.connect().resumeConnector(pipeline.sourceName());
        CLUSTER.connect().restartConnectorAndTasks(pipeline.sourceName(), false, true, false);
        Produced produced = load.await(TIMEOUT);

        TopicReader.of(CLUSTER.bootstrapServers(), Pipeline.out("restarts")).check(produced.expected(), TIMEOUT)
            .requireAtLeastOnce();
        assertEquals(0, pipeline.awaitEmpty(TIMEOUT).liveRecords());
    }

    @Test
    void aFullStashPausesTheSinkUntilTheSourceDrainsIt() throws InterruptedException {
        createTopics("backlog", 2);
        long maxBytes = 1024 * 1024;
        // Polls of Connect's default 500 records of 1 kB: the paused sink may stash one poll past the bound.
        Pipeline pipeline = Pipeline.of("backpressure", stashDir, "backlog").with(pair -> pair.tasks(1, 1)
            .withSink("stash.max.bytes", String.valueOf(maxBytes)).withSink("consumer.override.max.poll.records", "500"));
        CLUSTER.connectors().start(pipeline.pair().sink());

        Produced produced = RecordLoad.produce(CLUSTER.kafka(), "backlog",
            NumberedRecords.of("backlog").withValueBytes(1_000), 20_000);
        Await.until("the stash to fill past stash.max.bytes", TIMEOUT, pipeline::stats,
            stats -> stats.liveBytes() > maxBytes);
        Thread.sleep(3_000); // the sink keeps polling while paused; the stash must not grow past one poll
        StashStats paused = pipeline.stats();
        assertTrue(paused.liveBytes() > maxBytes, "the stash filled up: " + paused);
        assertTrue(paused.liveBytes() < maxBytes + 2 * 1024 * 1024, "the paused sink stopped stashing: " + paused);
        assertTrue(paused.liveRecords() < produced.acknowledged(), "not everything was stashed: " + paused);
        assertEquals(1.0, JMX.pluginNumber(pipeline.sinkName(), 0, "backpressure-paused"), "paused, as JMX shows it");
        assertEquals(1.0, JMX.pluginNumber(pipeline.sinkName(), 0, "stash-pending-without-drainer"));

        CLUSTER.connectors().deploy(pipeline.pair().source());
        TopicReader.of(CLUSTER.bootstrapServers(), Pipeline.out("backlog")).check(produced.expected(), TIMEOUT)
            .requireExactlyOnce();
        assertEquals(0, pipeline.awaitEmpty(TIMEOUT).liveRecords());
    }

    @Test
    void theValidateEndpointNamesTheBadKey() {
        Pipeline pipeline = Pipeline.of("invalid", stashDir, "some-topic");
        ConnectorConfig sink = pipeline.pair().sink().with("group.by", "header").with("stash.name", "../escape");
        assertErrorsOn(CLUSTER.connect().validateConnectorConfig(ConnectorConfig.SINK_CLASS, sink.config()),
            Set.of("group.by.header", "stash.name"));

        ConnectorConfig source = pipeline.pair().source().with("poll.max.records", "0")
            .with("transaction.boundary", "connector");
        assertErrorsOn(CLUSTER.connect().validateConnectorConfig(ConnectorConfig.SOURCE_CLASS, source.config()),
            Set.of("poll.max.records", "transaction.boundary"));
    }

    private static void assertErrorsOn(ConfigInfos result, Set<String> keys) {
        for (String key : keys) {
            ConfigInfo info = result.configs().stream().filter(c -> c.configKey().name().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("validate() did not report " + key));
            assertTrue(!info.configValue().errors().isEmpty(), "no error reported on " + key);
        }
        assertTrue(result.errorCount() >= keys.size(), "errors: " + result.errorCount());
    }

    @Test
    void anUnencodableRecordGoesToTheDeadLetterQueueWhileTheRestFlows() {
        String topic = "poisoned";
        createTopics(topic, 1);
        CLUSTER.createTopic("poisoned-dlq", 1);
        Pipeline pipeline = Pipeline.of("dlq", stashDir, topic).with(pair -> pair.tasks(1, 1)
            .withSink("transforms", "poison").withSink("transforms.poison.type", PoisonPill.class.getName())
            .withSink("errors.tolerance", "all").withSink("errors.deadletterqueue.topic.name", "poisoned-dlq")
            .withSink("errors.deadletterqueue.topic.replication.factor", "1"));
        CLUSTER.connectors().start(pipeline.pair());

        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String value = i == 50 ? "POISON-50" : "fine-" + i;
            records.add(new ProducerRecord<>(topic, 0, null, value.getBytes(StandardCharsets.UTF_8)));
        }
        produce(records);

        List<String> out = new ArrayList<>();
        consume(Pipeline.out(topic), 99).forEach(r -> out.add(new String(r.value(), StandardCharsets.UTF_8)));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            if (i != 50) {
                expected.add("fine-" + i);
            }
        }
        assertEquals(expected, out);
        List<ConsumerRecord<byte[], byte[]>> dead = consume("poisoned-dlq", 1);
        assertEquals("POISON-50", new String(dead.get(0).value(), StandardCharsets.UTF_8));
        CLUSTER.connectors().awaitRunning(pipeline.sinkName(), 1, TIMEOUT);
    }

    private static void produce(List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = CLUSTER.connect().kafka().createProducer(
            Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1))) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record);
            }
            producer.flush();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count) {
        ConsumerRecords<byte[], byte[]> records = CLUSTER.connect().kafka().consume(count, TIMEOUT.toMillis(), topic);
        List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>();
        records.forEach(list::add);
        assertEquals(count, list.size(), "records on " + topic);
        return list;
    }
}
