package io.durastash.integration;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code count} test records for one input topic, spread round-robin over its partitions: record {@code i} goes
 * to partition {@code i % partitions} with sequence number {@code i / partitions}, so every partition holds
 * 0, 1, 2, ... in order. The {@link RecordNumber} travels in the key or in the {@value #NUMBER_HEADER} header;
 * the value is {@code valueBytes} pseudo-random bytes derived from the number, so a reader can tell a record
 * that arrived altered from one that arrived intact.
 */
public final class NumberedRecords {
    public static final String NUMBER_HEADER = "durastash.test.number";

    /** Where the number travels. */
    public enum Carrier { KEY, HEADER }

    private final String topic;
    private final int partitions;
    private final long count;
    private final int valueBytes;
    private final Carrier carrier;

    private NumberedRecords(String topic, int partitions, long count, int valueBytes, Carrier carrier) {
        if (partitions < 1 || count < 0 || valueBytes < 0) {
            throw new IllegalArgumentException("partitions >= 1, count >= 0, valueBytes >= 0");
        }
        this.topic = topic;
        this.partitions = partitions;
        this.count = count;
        this.valueBytes = valueBytes;
        this.carrier = carrier;
    }

    /** {@code count} records of 100-byte values, numbered in the key. */
    public static NumberedRecords of(String topic, int partitions, long count) {
        return new NumberedRecords(topic, partitions, count, 100, Carrier.KEY);
    }

    public NumberedRecords withValueBytes(int valueBytes) {
        return new NumberedRecords(topic, partitions, count, valueBytes, carrier);
    }

    public NumberedRecords numberedIn(Carrier carrier) {
        return new NumberedRecords(topic, partitions, count, valueBytes, carrier);
    }

    public String topic() {
        return topic;
    }

    public int partitions() {
        return partitions;
    }

    public long count() {
        return count;
    }

    public Carrier carrier() {
        return carrier;
    }

    /** How many records partition {@code partition} holds: sequence numbers 0 .. this - 1. */
    public long countIn(int partition) {
        return count / partitions + (partition < count % partitions ? 1 : 0);
    }

    public RecordNumber number(long index) {
        return new RecordNumber(topic, (int) (index % partitions), index / partitions);
    }

    /** The value record {@code number} carries. */
    public byte[] value(RecordNumber number) {
        byte[] value = new byte[valueBytes];
        new SplittableRandom(number.toString().hashCode() * 31L + number.seq()).nextBytes(value);
        return value;
    }

    public ProducerRecord<byte[], byte[]> record(long index) {
        RecordNumber number = number(index);
        RecordHeaders headers = new RecordHeaders();
        byte[] key = null;
        if (carrier == Carrier.KEY) {
            key = number.toBytes();
        } else {
            headers.add(NUMBER_HEADER, number.toBytes());
        }
        return new ProducerRecord<>(topic, number.partition(), key, value(number), headers);
    }

    /**
     * Produces all records, in order, with an idempotent producer ({@code acks=all}), and returns once every one
     * is acknowledged. The topic must exist with at least {@link #partitions()} partitions, each with a leader
     * ({@link ConnectClusterFixture#createTopic} waits for that).
     *
     * <p>One request in flight per connection: with more, a first batch that fails on a just-created partition
     * (NOT_LEADER_OR_FOLLOWER) is overtaken by the next one, which the broker accepts as the producer's first, and
     * the retried batch is then rejected as out of sequence until it expires: its records are lost (KAFKA-15591,
     * seen with Kafka 4.3.1 in these tests). The input's order and completeness are the premise of every check.
     */
    public void produceTo(EmbeddedKafkaCluster kafka) {
        Map<String, Object> props = Map.of(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
            ProducerConfig.LINGER_MS_CONFIG, 10,
            ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = kafka.createProducer(props)) {
            for (long i = 0; i < count && failure.get() == null; i++) {
                producer.send(record(i), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new AssertionError("Could not produce " + this, failure.get());
        }
    }

    @Override
    public String toString() {
        return count + " records numbered in the " + carrier.name().toLowerCase() + " over " + partitions
            + " partition(s) of " + topic;
    }
}
