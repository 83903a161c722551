package io.durastash.integration;

import io.durastash.testkit.Await;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.embedded.EmbeddedStack;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.Produced;
import io.durastash.testkit.records.RecordLoad;
import io.durastash.testkit.records.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Distributed workers with exactly-once source support: the source resumes from its committed offset
 * (stash id, batch, index) and, with {@code transaction.boundary=connector}, commits one Kafka transaction
 * per stash batch. A {@code read_committed} consumer must see every number exactly once, and each batch
 * whole, even when the source tasks restart mid-stream.
 */
@Tag("integration")
class ExactlyOnceIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final String BATCH_HEADER = "durastash.batch.id";

    @RegisterExtension
    static final EmbeddedStack CLUSTER = EmbeddedStack.builder("exactly-once").workers(2).exactlyOnceSource()
        // The coordinator looks for timed-out transactions every second instead of every 10 s.
        .brokerProp("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000").build();

    @TempDir
    Path stashDir;

    /**
     * Starts a pair named after {@code topic}, a new input topic of 3 partitions, with 2 sink tasks and a source with
     * exactly-once support and connector-defined transactions, changed by {@code source}.
     */
    private Pipeline startExactlyOnce(String topic, UnaryOperator<Pair> source) {
        CLUSTER.createTopic(topic, 3);
        CLUSTER.createTopic(Pipeline.out(topic), 3);
        Pipeline pipeline = Pipeline.of(topic, stashDir, topic).with(pair -> source.apply(pair.tasks(2, 1)
            .withSource("exactly.once.support", "required").withSource("transaction.boundary", "connector")));
        CLUSTER.connectors().start(pipeline.pair());
        return pipeline;
    }

    @Test
    void restartedSourceTasksEmitEveryNumberOnceAndEachStashBatchAsOneTransaction() throws Exception {
        String topic = "eos";
        Pipeline pipeline = startExactlyOnce(topic, pair -> pair.withSource("provenance.headers", "true"));

        RecordLoad load = RecordLoad.into(CLUSTER.kafka(), topic, NumberedRecords.of(topic)).count(40_000).start();
        for (int restart = 0; restart < 3; restart++) {
            Thread.sleep(700);
            CLUSTER.connect().restartConnectorAndTasks(pipeline.sourceName(), false, true, false);
        }
        Produced produced = load.await(TIMEOUT);
        CLUSTER.connectors().awaitRunning(pipeline.sourceName(), 1, TIMEOUT);

        TopicReader.of(CLUSTER.bootstrapServers(), Pipeline.out(topic)).check(produced.expected(), TIMEOUT)
            .requireExactlyOnce();
        assertEquals(0, pipeline.awaitEmpty(TIMEOUT).liveRecords());
        assertEachBatchIsOneTransaction(Pipeline.out(topic), 3, true);
    }

    /**
     * Every stash batch larger than a poll, and the source connector paused mid-stream for longer than its transaction
     * timeout: Connect commits a transaction on pause only when the connector asked for it, so a transaction left open
     * between polls would time out in the pause, and the task would be fenced when it resumes. Each poll ends where a
     * batch ends: the pair goes on RUNNING, every number once.
     */
    @Test
    void aPauseLongerThanTheTransactionTimeoutLeavesNoTransactionOpen() throws Exception {
        String topic = "paused";
        Pipeline pipeline = startExactlyOnce(topic, pair -> pair.withSource("poll.max.records", "7")
            .withSource("producer.override.transaction.timeout.ms", "3000"));

        RecordLoad load = RecordLoad.into(CLUSTER.kafka(), topic, NumberedRecords.of(topic)).count(20_000).start();
        Await.until("records to flow", TIMEOUT, () -> CLUSTER.kafka().written(Pipeline.out(topic)) > 1_000);
        CLUSTER.connectors().pause(pipeline.sourceName());
        Thread.sleep(8_000);
        CLUSTER.connectors().resume(pipeline.sourceName());
        Produced produced = load.await(TIMEOUT);

        TopicReader.of(CLUSTER.bootstrapServers(), Pipeline.out(topic)).check(produced.expected(), TIMEOUT)
            .requireExactlyOnce();
        CLUSTER.connectors().awaitRunning(pipeline.sourceName(), 1, TIMEOUT);
    }

    /**
     * With {@code input.commit=transactional}, the source task delivers whole stash batches in transactions of its own
     * producer that also commit the batches' input offsets to the sink's group: restarts of the source tasks and of the
     * sink tasks (partitions revoked and assigned again) deliver every number once, no batch split between transactions
     * (small batches share one), and the group's committed offsets end exactly at the input's end.
     */
    @Test
    void transactionalInputCommitsDeliverEveryNumberOnceThroughRestartsOfBothConnectors() throws Exception {
        String topic = "txn";
        CLUSTER.createTopic(topic, 3);
        CLUSTER.createTopic(Pipeline.out(topic), 3);
        Pipeline pipeline = Pipeline.of("txn", stashDir, topic).with(pair -> pair.tasks(2, 1)
            .withSink("input.commit", "transactional").withSource("provenance.headers", "true"));
        CLUSTER.connectors().start(pipeline.pair());

        RecordLoad load = RecordLoad.into(CLUSTER.kafka(), topic, NumberedRecords.of(topic)).count(40_000).start();
        for (int restart = 0; restart < 4; restart++) {
            Thread.sleep(700);
            String connector = restart % 2 == 0 ? pipeline.sourceName() : pipeline.sinkName();
            CLUSTER.connect().restartConnectorAndTasks(connector, false, true, false);
        }
        Produced produced = load.await(TIMEOUT);
        CLUSTER.connectors().awaitRunning(pipeline.sourceName(), 1, TIMEOUT);

        TopicReader.of(CLUSTER.bootstrapServers(), Pipeline.out(topic)).check(produced.expected(), TIMEOUT)
            .requireExactlyOnce();
        assertEquals(0, pipeline.awaitEmpty(TIMEOUT).liveRecords());
        List<TopicPartition> input = CLUSTER.kafka().partitions(topic);
        assertEquals(CLUSTER.kafka().endOffsets(input),
            CLUSTER.kafka().committed(pipeline.pair().sink().sinkGroup(), input),
            "the transactions committed the input offsets of exactly what they delivered");
        assertEachBatchIsOneTransaction(Pipeline.out(topic), 3, false);
    }

    /**
     * With {@code input.commit=transactional}, a backlog stashed while the source was paused leaves in a few
     * transactions: each gathers the batches loadable within {@code transaction.max.ms}, not about one
     * {@code poll.max.records} of them (with {@code transaction.max.ms=0}, 15 transactions wrote partition 0).
     */
    @Test
    void aTransactionGathersTheBatchesThatAreLoadable() throws Exception {
        String topic = "gathered";
        CLUSTER.createTopic(topic, 3);
        CLUSTER.createTopic(Pipeline.out(topic), 3);
        Pipeline pipeline = Pipeline.of(topic, stashDir, topic).with(pair -> pair.tasks(2, 1)
            .withSink("input.commit", "transactional").withSink("consumer.override.max.poll.records", "100")
            .withSource("poll.max.records", "500").withSource("transaction.max.ms", "5000"));
        CLUSTER.connectors().start(pipeline.pair());
        CLUSTER.connectors().awaitRunning(pipeline.sourceName(), 1, TIMEOUT);
        CLUSTER.connectors().pause(pipeline.sourceName());

        Produced produced = RecordLoad.into(CLUSTER.kafka(), topic, NumberedRecords.of(topic)).count(20_000).start()
            .await(TIMEOUT);
        Await.until("the backlog stashed", TIMEOUT, () -> pipeline.stats().liveRecords() == 20_000);
        CLUSTER.connectors().resume(pipeline.sourceName());

        TopicReader.of(CLUSTER.bootstrapServers(), Pipeline.out(topic)).check(produced.expected(), TIMEOUT)
            .requireExactlyOnce();
        for (int p = 0; p < 3; p++) {
            List<ConsumerRecord<byte[], byte[]>> records = readCommitted(new TopicPartition(Pipeline.out(topic), p));
            int transactions = 1;
            for (int i = 1; i < records.size(); i++) {
                transactions += records.get(i).offset() > records.get(i - 1).offset() + 1 ? 1 : 0;
            }
            assertTrue(transactions <= 3, transactions + " transactions wrote the " + records.size() + " records of the "
                + "backlog to partition " + p + ": they did not gather the loadable batches");
        }
    }

    /**
     * In each output partition (one producer writes it), the records of one committed transaction sit at
     * consecutive offsets and a commit marker takes the offset after them. So: records of one stash batch
     * must be contiguous (never split between transactions), and, when each batch is a transaction {@code alone}, two
     * batches must never be adjacent (that would be one transaction for both).
     */
    private static void assertEachBatchIsOneTransaction(String topic, int partitions, boolean alone) {
        int batchesSeen = 0;
        for (int p = 0; p < partitions; p++) {
            TopicPartition partition = new TopicPartition(topic, p);
            List<ConsumerRecord<byte[], byte[]>> records = readCommitted(partition);
            Map<String, Long> lastOffsetOfBatch = new HashMap<>();
            String previousBatch = null;
            long previousOffset = -1;
            for (ConsumerRecord<byte[], byte[]> record : records) {
                Header header = record.headers().lastHeader(BATCH_HEADER);
                assertTrue(header != null, "provenance header missing at " + record.offset());
                String batch = new String(header.value(), StandardCharsets.UTF_8);
                if (batch.equals(previousBatch)) {
                    assertEquals(previousOffset + 1, record.offset(), "batch " + batch + " split in " + partition);
                } else {
                    assertTrue(!alone || record.offset() > previousOffset + 1 || previousOffset < 0,
                        "batches " + previousBatch + " and " + batch + " share a transaction in " + partition);
                    assertTrue(!lastOffsetOfBatch.containsKey(batch), "batch " + batch + " committed twice");
                    batchesSeen++;
                }
                lastOffsetOfBatch.put(batch, record.offset());
                previousBatch = batch;
                previousOffset = record.offset();
            }
        }
        assertTrue(batchesSeen > 1, "saw " + batchesSeen + " batches");
    }

    /** The records of {@code partition} that a {@code read_committed} consumer reads, to its end offset now. */
    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(TopicPartition partition) {
        Map<String, Object> props = Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = CLUSTER.connect().kafka().createConsumer(props)) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
