package io.durastash.local;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;

/**
 * Reads the output topic from its beginning, as a loader downstream would, until every record the demo produced
 * into the input topic has arrived or nothing new arrives for a while, and returns the {@link Verdict}.
 */
final class OutputCheck {
    private final KafkaCluster cluster;
    private final String inputTopic;
    private final String outputTopic;
    private final boolean partitionsPreserved;

    OutputCheck(KafkaCluster cluster, String inputTopic, String outputTopic, boolean partitionsPreserved) {
        this.cluster = cluster;
        this.inputTopic = inputTopic;
        this.outputTopic = outputTopic;
        this.partitionsPreserved = partitionsPreserved;
    }

    /**
     * Waits for the output to be complete; gives up when no expected record arrived for {@code stall}, or when
     * {@code stop} says so.
     */
    Verdict await(Duration stall, BooleanSupplier stop) throws Exception {
        List<TopicPartition> input = cluster.partitions(inputTopic);
        Map<TopicPartition, Long> starts = cluster.startOffsets(input);
        Map<TopicPartition, Long> ends = cluster.endOffsets(input);
        Map<Integer, long[]> expected = new HashMap<>();
        input.forEach(tp -> expected.put(tp.partition(), new long[] {starts.get(tp), ends.get(tp)}));
        SequenceCheck check = new SequenceCheck(expected, partitionsPreserved);

        List<TopicPartition> output = cluster.partitions(outputTopic);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig())) {
            consumer.assign(output);
            consumer.seekToBeginning(output);
            long lastArrival = System.nanoTime();
            while (!check.complete() && !stop.getAsBoolean()
                && System.nanoTime() - lastArrival < stall.toNanos()) {
                long before = check.arrived();
                read(consumer, check);
                if (check.arrived() > before) {
                    lastArrival = System.nanoTime();
                }
            }
            // Read up to the end, so that duplicates behind the last expected record are counted too.
            Map<TopicPartition, Long> outEnds = cluster.endOffsets(output);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!stop.getAsBoolean() && System.nanoTime() < deadline
                && output.stream().anyMatch(tp -> consumer.position(tp) < outEnds.get(tp))) {
                read(consumer, check);
            }
        }
        return check.verdict();
    }

    private static void read(KafkaConsumer<byte[], byte[]> consumer, SequenceCheck check) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            check.accept(record.partition(), record.key(), record.value(), record.headers());
        }
    }

    private Properties consumerConfig() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "durastash-local-verdict");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // With exactly-once enabled on the worker, a loader sees whole stash batches only: read as it would.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }
}
