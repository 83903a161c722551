package io.durastash.local;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Produces the demo's numbered records into the input topic, round-robin over its partitions. In each partition
 * the numbering continues from the partition's end offset, so a record's number is its input offset, across runs:
 * the verdict expects every number from the partition's start offset to its end offset.
 */
final class DemoLoad {
    private final KafkaCluster cluster;
    private final String topic;
    private final int recordSize;
    private final long rate;
    private final Map<String, String> producerOverrides;

    DemoLoad(KafkaCluster cluster, String topic, int recordSize, long rate) {
        this(cluster, topic, recordSize, rate, Map.of());
    }

    /** With {@code producerOverrides} on top of the demo's producer config (e.g. max.request.size for large records). */
    DemoLoad(KafkaCluster cluster, String topic, int recordSize, long rate, Map<String, String> producerOverrides) {
        this.cluster = cluster;
        this.topic = topic;
        this.recordSize = recordSize;
        this.rate = rate;
        this.producerOverrides = Map.copyOf(producerOverrides);
    }

    /** What a load did: records acknowledged by Kafka, and how many did not land at the offset of their number. */
    record Result(long acknowledged, long misnumbered) {
    }

    /** Produces {@code count} records and waits for Kafka to acknowledge them; {@code stop} ends it early. */
    Result produce(long count, BooleanSupplier stop) throws Exception {
        List<TopicPartition> partitions = cluster.partitions(topic);
        Map<TopicPartition, Long> next = new java.util.HashMap<>(cluster.endOffsets(partitions));
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong misnumbered = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long started = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig())) {
            for (long i = 0; i < count && failure.get() == null && !stop.getAsBoolean(); i++) {
                TopicPartition tp = partitions.get((int) (i % partitions.size()));
                long seq = next.merge(tp, 1L, Long::sum) - 1;
                DemoRecords.Id id = new DemoRecords.Id(tp.partition(), seq, recordSize);
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, tp.partition(), null,
                    DemoRecords.key(id), DemoRecords.value(id), DemoRecords.headers(id));
                producer.send(record, (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        acknowledged.incrementAndGet();
                        if (metadata.offset() != seq) {
                            misnumbered.incrementAndGet();
                        }
                    }
                });
                if (rate > 0) {
                    pace(i + 1, started);
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw StackFailure.startup("Producing the demo records into '" + topic + "' failed after "
                + acknowledged.get() + " records: " + KafkaCluster.rootMessage(failure.get()));
        }
        return new Result(acknowledged.get(), misnumbered.get());
    }

    /** Sleeps while more than {@code sent} records at {@link #rate} per second would be ahead of the clock. */
    private void pace(long sent, long started) throws InterruptedException {
        long due = started + sent * 1_000_000_000L / rate;
        long ahead = due - System.nanoTime();
        if (ahead > 1_000_000) {
            Thread.sleep(ahead / 1_000_000);
        }
    }

    private Properties producerConfig() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "durastash-local-demo");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Idempotence keeps each partition's records in send order, without duplicates: number = offset.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Duration.ofMinutes(2).toMillis()));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putAll(producerOverrides);
        return props;
    }
}
