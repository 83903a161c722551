package io.durastash.testkit.records;

import io.durastash.testkit.Deadline;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;

/**
 * Reads output topics from the beginning of every partition, as a loader downstream would ({@code read_committed}: with
 * exactly-once on the worker a loader sees whole stash batches only), into a {@link SequenceCheck}. It reads until every
 * expected number has arrived and then on to the end offsets of that moment, so that duplicates behind the last new
 * number are counted too; or until no expected record arrived for a while, leaving the verdict to say what is missing.
 * Consumes without a group (assigned partitions), so it never disturbs the connectors' own consumers.
 */
public final class TopicReader {
    private static final Logger log = LoggerFactory.getLogger(TopicReader.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String bootstrap;
    private final List<String> topics;
    private final Map<TopicPartition, Long> from;

    private TopicReader(String bootstrap, List<String> topics, Map<TopicPartition, Long> from) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.from = from;
    }

    /** Reads {@code topics} together, as one consumer: a check over several series may span several outputs. */
    public static TopicReader of(String bootstrap, String... topics) {
        return new TopicReader(bootstrap, List.of(topics), Map.of());
    }

    /** Reads from {@code offsets} on (the partitions named), instead of from the beginning: what came after them. */
    public TopicReader from(Map<TopicPartition, Long> offsets) {
        return new TopicReader(bootstrap, topics, Map.copyOf(offsets));
    }

    /** Reads into a check of {@code expected} (each record in its input partition); see {@link #read}. */
    public Verdict check(Expected expected, Duration stall) {
        return read(SequenceCheck.of(expected), stall);
    }

    /** Reads into {@code check} until it is complete, or no expected record arrived for {@code stall}. */
    public Verdict read(SequenceCheck check, Duration stall) {
        return read(check, stall, () -> false);
    }

    /** The same; {@code stop} ends the reading early (a launcher being stopped). */
    public Verdict read(SequenceCheck check, Duration stall, BooleanSupplier stop) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                partitions.addAll(awaitPartitions(consumer, topic, Deadline.after(stall)));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            from.forEach(consumer::seek);
            Deadline quiet = Deadline.after(stall);
            while (!check.complete() && !stop.getAsBoolean() && !quiet.passed()) {
                long before = check.arrived();
                poll(consumer, check);
                if (check.arrived() > before) {
                    quiet = Deadline.after(stall);
                }
            }
            // For read_committed these are the last stable offsets: the end of what may be read.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Deadline toTheEnd = Deadline.after(stall);
            while (!stop.getAsBoolean() && !toTheEnd.passed()
                && end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                poll(consumer, check);
            }
        }
        Verdict verdict = check.verdict();
        log.info("Read {}: {}", topics, verdict);
        return verdict;
    }

    private static void poll(KafkaConsumer<byte[], byte[]> consumer, SequenceCheck check) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            check.accept(record);
        }
    }

    /** The topic's partitions; a source connector may create its output topic only when it first writes. */
    private static List<TopicPartition> awaitPartitions(KafkaConsumer<byte[], byte[]> consumer, String topic,
                                                        Deadline deadline) {
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
            if (deadline.passed()) {
                throw new AssertionError("The topic " + topic + " did not appear within " + deadline.seconds() + " s");
            }
            Deadline.pause(POLL.toMillis());
        }
    }

    private Properties consumerConfig() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "durastash-topic-reader");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }
}
