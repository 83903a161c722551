package io.durastash.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Counts the records a {@code read_committed} consumer reads from a topic, on a thread of its own, as a loader behind a
 * transactional pipeline sees them. A topic's end offsets cannot count them: every transaction adds a commit marker to
 * each partition it wrote. The consumer's fetches cost both peers of a run the same.
 */
final class CommittedCount implements AutoCloseable {
    private final AtomicLong count = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    private CommittedCount(String bootstrap, String topic, int partitions) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        List<TopicPartition> assigned = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
        this.thread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
                consumer.assign(assigned);
                consumer.seekToBeginning(assigned);
                while (!closed) {
                    count.addAndGet(consumer.poll(Duration.ofMillis(100)).count());
                }
            }
        }, "committed-count-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    static CommittedCount of(String bootstrap, String topic, int partitions) {
        return new CommittedCount(bootstrap, topic, partitions);
    }

    long count() {
        return count.get();
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.join(10_000);
    }
}
