package io.durastash.integration;

import io.durastash.stash.StashStats;
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

    @RegisterExtension
    static final ConnectClusterFixture CLUSTER = ConnectClusterFixture.builder("pipeline").workers(1).build();

    @TempDir
    Path stashDir;

    private void start(Pipeline pipeline, String topics) throws InterruptedException {
        CLUSTER.connect().configureConnector(pipeline.sinkName(), pipeline.sinkConfig(topics, 2));
        CLUSTER.connect().configureConnector(pipeline.sourceName(), pipeline.sourceConfig(1));
        CLUSTER.awaitRunning(pipeline.sinkName(), 2, TIMEOUT);
        CLUSTER.awaitRunning(pipeline.sourceName(), 1, TIMEOUT);
    }

    private static void createTopics(NumberedRecords... inputs) throws InterruptedException {
        for (NumberedRecords input : inputs) {
            CLUSTER.createTopic(input.topic(), input.partitions());
            CLUSTER.createTopic(Pipeline.out(input.topic()), input.partitions());
        }
    }

    @Test
    void recordsOfSeveralTopicsArriveByteExactInOrderAndTheStashEndsEmpty() throws InterruptedException {
        NumberedRecords orders = NumberedRecords.of("orders", 3, 60_000).varied();
        NumberedRecords payments = NumberedRecords.of("payments", 2, 45_000).varied();
        createTopics(orders, payments);
        Pipeline pipeline = new Pipeline("exact", stashDir);
        start(pipeline, "orders,payments");

        orders.produceTo(CLUSTER.kafka());
        payments.produceTo(CLUSTER.kafka());

        SequenceCheck check = TopicReader.of(CLUSTER.kafka(), Pipeline.out("orders"), Pipeline.out("payments"))
            .readInto(SequenceCheck.of(orders, payments), TIMEOUT);
        if (!check.complete()) {
            throw new AssertionError(check + "\n" + pipeline.diagnose(CLUSTER.kafka()));
        }
        check.assertExactlyOnce();
        assertEquals(105_000, check.records());
        StashStats stats = pipeline.awaitEmpty(TIMEOUT);
        assertEquals(0, stats.liveRecords(), "stash after the drain: " + stats);
    }

    @Test
    void metricsAreReadOverJmxFromTheRunningWorker() throws InterruptedException {
        NumberedRecords input = NumberedRecords.of("metered", 2, 5_000);
        createTopics(input);
        Pipeline pipeline = new Pipeline("metrics", stashDir);
        start(pipeline, input.topic());
        input.produceTo(CLUSTER.kafka());
        TopicReader.of(CLUSTER.kafka(), Pipeline.out(input.topic())).readInto(SequenceCheck.of(input), TIMEOUT)
            .assertExactlyOnce();
        pipeline.awaitEmpty(TIMEOUT);

        double put = 0;
        for (int task = 0; task < 2; task++) {
            double stashedByTask = Jmx.number(pipeline.sinkName(), task, "put-record-total");
            put += stashedByTask;
            if (stashedByTask > 0) {
                // A task that stashed nothing (no partition assigned) has no WAL sync sample: its max is NaN.
                double walSyncMaxMs = Jmx.number(pipeline.sinkName(), task, "wal-sync-time-max-ms");
                assertTrue(walSyncMaxMs >= 0, "task " + task + " stashed records but reports WAL sync max " + walSyncMaxMs);
            }
            assertEquals(0.0, Jmx.number(pipeline.sinkName(), task, "backpressure-paused"));
            assertEquals(pipeline.stashPath().toString(), Jmx.attribute(pipeline.sinkName(), task, "stash-path"));
        }
        assertEquals(5_000.0, put, "records stashed by both sink tasks");
        assertEquals(5_000.0, Jmx.number(pipeline.sourceName(), 0, "emit-record-total"));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (Jmx.number(pipeline.sourceName(), 0, "ack-record-total") < 5_000 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(5_000.0, Jmx.number(pipeline.sourceName(), 0, "ack-record-total"));
        assertEquals(1.0, Jmx.number(pipeline.sourceName(), 0, "drainer"));
        assertEquals(1.0, Jmx.number(pipeline.sourceName(), 0, "stash-drainer-active"));
        assertEquals(0.0, Jmx.number(pipeline.sourceName(), 0, "stash-pending-records"));
        assertEquals(0.0, Jmx.number(pipeline.sourceName(), 0, "dropped-record-total"));
    }

    @Test
    void schemaDataArrivesEqual() throws InterruptedException {
        String topic = "schema-in";
        CLUSTER.createTopic(topic, 1);
        CLUSTER.createTopic(Pipeline.out(topic), 1);
        Pipeline pipeline = new Pipeline("schema", stashDir);
        Map<String, String> json = Map.of(
            "key.converter", JsonConverter.class.getName(), "key.converter.schemas.enable", "true",
            "value.converter", JsonConverter.class.getName(), "value.converter.schemas.enable", "true");
        Map<String, String> sink = pipeline.sinkConfig(topic, 1);
        sink.putAll(json);
        Map<String, String> source = pipeline.sourceConfig(1);
        source.putAll(json);
        CLUSTER.connect().configureConnector(pipeline.sinkName(), sink);
        CLUSTER.connect().configureConnector(pipeline.sourceName(), source);
        CLUSTER.awaitRunning(pipeline.sinkName(), 1, TIMEOUT);
        CLUSTER.awaitRunning(pipeline.sourceName(), 1, TIMEOUT);

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
        NumberedRecords input = NumberedRecords.of("restarts", 3, 30_000);
        createTopics(input);
        Pipeline pipeline = new Pipeline("restarts", stashDir);
        start(pipeline, input.topic());
        BackgroundProducer producer = BackgroundProducer.start(input, CLUSTER);

        CLUSTER.connect().restartConnectorAndTasks(pipeline.sinkName(), false, false, false);
        CLUSTER.connect().restartTask(pipeline.sourceName(), 0);
        CLUSTER.connect().pauseConnector(pipeline.sourceName());
        CLUSTER.connect().pauseConnector(pipeline.sinkName());
        Thread.sleep(1_000);
        CLUSTER.connect().resumeConnector(pipeline.sinkName());
        Thread.sleep(500);
        CLUSTER.connect().resumeConnector(pipeline.sourceName());
        CLUSTER.connect().restartConnectorAndTasks(pipeline.sourceName(), false, true, false);
        producer.awaitDone(TIMEOUT.toMillis());

        SequenceCheck check = TopicReader.of(CLUSTER.kafka(), Pipeline.out(input.topic()))
            .readInto(SequenceCheck.of(input), TIMEOUT);
        check.assertAtLeastOnce();
        assertEquals(0, pipeline.awaitEmpty(TIMEOUT).liveRecords());
    }

    @Test
    void aFullStashPausesTheSinkUntilTheSourceDrainsIt() throws InterruptedException {
        NumberedRecords input = NumberedRecords.of("backlog", 2, 20_000).withValueBytes(1_000);
        createTopics(input);
        Pipeline pipeline = new Pipeline("backpressure", stashDir);
        Map<String, String> sink = pipeline.sinkConfig(input.topic(), 1);
        long maxBytes = 1024 * 1024;
        sink.put("stash.max.bytes", String.valueOf(maxBytes));
        CLUSTER.connect().configureConnector(pipeline.sinkName(), sink);
        CLUSTER.awaitRunning(pipeline.sinkName(), 1, TIMEOUT);

        input.produceTo(CLUSTER.kafka());
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (pipeline.stats().liveBytes() <= maxBytes && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(3_000); // the sink keeps polling while paused; the stash must not grow past one poll
        StashStats paused = pipeline.stats();
        assertTrue(paused.liveBytes() > maxBytes, "the stash filled up: " + paused);
        assertTrue(paused.liveBytes() < maxBytes + 2 * 1024 * 1024, "the paused sink stopped stashing: " + paused);
        assertTrue(paused.liveRecords() < input.count(), "not everything was stashed: " + paused);
        assertEquals(1.0, Jmx.number(pipeline.sinkName(), 0, "backpressure-paused"), "paused, as JMX shows it");
        assertEquals(1.0, Jmx.number(pipeline.sinkName(), 0, "stash-pending-without-drainer"));

        CLUSTER.connect().configureConnector(pipeline.sourceName(), pipeline.sourceConfig(1));
        SequenceCheck check = TopicReader.of(CLUSTER.kafka(), Pipeline.out(input.topic()))
            .readInto(SequenceCheck.of(input), TIMEOUT);
        check.assertExactlyOnce();
        assertEquals(0, pipeline.awaitEmpty(TIMEOUT).liveRecords());
    }

    @Test
    void theValidateEndpointNamesTheBadKey() {
        Pipeline pipeline = new Pipeline("invalid", stashDir);
        Map<String, String> sink = pipeline.sinkConfig("some-topic", 1);
        sink.put("group.by", "header");
        sink.put("stash.name", "../escape");
        assertErrorsOn(CLUSTER.connect().validateConnectorConfig(Pipeline.SINK, sink), Set.of("group.by.header", "stash.name"));

        Map<String, String> source = pipeline.sourceConfig(1);
        source.put("poll.max.records", "0");
        source.put("transaction.boundary", "connector");
        assertErrorsOn(CLUSTER.connect().validateConnectorConfig(Pipeline.SOURCE, source),
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
    void anUnencodableRecordGoesToTheDeadLetterQueueWhileTheRestFlows() throws InterruptedException {
        String topic = "poisoned";
        CLUSTER.createTopic(topic, 1);
        CLUSTER.createTopic(Pipeline.out(topic), 1);
        CLUSTER.createTopic("poisoned-dlq", 1);
        Pipeline pipeline = new Pipeline("dlq", stashDir);
        Map<String, String> sink = pipeline.sinkConfig(topic, 1);
        sink.put("transforms", "poison");
        sink.put("transforms.poison.type", PoisonPill.class.getName());
        sink.put("errors.tolerance", "all");
        sink.put("errors.deadletterqueue.topic.name", "poisoned-dlq");
        sink.put("errors.deadletterqueue.topic.replication.factor", "1");
        CLUSTER.connect().configureConnector(pipeline.sinkName(), sink);
        CLUSTER.connect().configureConnector(pipeline.sourceName(), pipeline.sourceConfig(1));
        CLUSTER.awaitRunning(pipeline.sinkName(), 1, TIMEOUT);
        CLUSTER.awaitRunning(pipeline.sourceName(), 1, TIMEOUT);

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
        CLUSTER.awaitRunning(pipeline.sinkName(), 1, TIMEOUT);
    }

    private static void produce(List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = CLUSTER.kafka().createProducer(
            Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1))) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record);
            }
            producer.flush();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count) {
        ConsumerRecords<byte[], byte[]> records = CLUSTER.kafka().consume(count, TIMEOUT.toMillis(), topic);
        List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>();
        records.forEach(list::add);
        assertEquals(count, list.size(), "records on " + topic);
        return list;
    }
}
