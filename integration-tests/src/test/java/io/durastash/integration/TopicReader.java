package io.durastash.integration;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a whole topic, from the beginning of every partition, into a {@link SequenceCheck}: until every
 * expected number has arrived and then on to the end offsets of that moment, so that duplicates behind the
 * last new number are counted too; or until the timeout, leaving the check to report what is missing.
 * Consumes without a group (assigned partitions), so it never disturbs the connectors' own consumers.
 */
public final class TopicReader {
    private static final Logger log = LoggerFactory.getLogger(TopicReader.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final EmbeddedKafkaCluster kafka;
    private final List<String> topics;
    private IsolationLevel isolation = IsolationLevel.READ_UNCOMMITTED;

    private TopicReader(EmbeddedKafkaCluster kafka, List<String> topics) {
        this.kafka = kafka;
        this.topics = topics;
    }

    /** Reads {@code topics} together, as one consumer: a check over several inputs may span several outputs. */
    public static TopicReader of(EmbeddedKafkaCluster kafka, String... topics) {
        return new TopicReader(kafka, List.of(topics));
    }

    /** {@code read_committed} to see only committed transactions (exactly-once source), or the default. */
    public TopicReader isolation(IsolationLevel isolation) {
        this.isolation = isolation;
        return this;
    }

    /** Reads into {@code check} and returns it; see the class comment for when it stops. */
    public SequenceCheck readInto(SequenceCheck check, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> props = Map.of(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString().toLowerCase(Locale.ROOT),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.createConsumer(props)) {
            List<TopicPartition> partitions = new java.util.ArrayList<>();
            for (String topic : topics) {
                partitions.addAll(awaitPartitions(consumer, topic, deadline));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!check.complete() && System.nanoTime() < deadline) {
                poll(consumer, check);
            }
            if (check.complete()) {
                // for read_committed these are the last stable offsets: the end of what may be read
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                while (!reached(consumer, end) && System.nanoTime() < deadline) {
                    poll(consumer, check);
                }
            }
        }
        log.info("Read {} ({}): {}", topics, isolation, check);
        return check;
    }

    private static void poll(KafkaConsumer<byte[], byte[]> consumer, SequenceCheck check) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            check.add(record);
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** The topic's partitions; a source connector may create its output topic only when it first writes. */
    private static List<TopicPartition> awaitPartitions(KafkaConsumer<byte[], byte[]> consumer, String topic, long deadline) {
        while (true) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, POLL);
            } catch (TimeoutException e) {
                infos = null;
            }
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("Topic " + topic + " did not appear in time");
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for topic " + topic, e);
            }
        }
    }
}
