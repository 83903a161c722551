package io.durastash.integration;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code count} test records for one input topic, spread round-robin over its partitions: record {@code i} goes
 * to partition {@code i % partitions} with sequence number {@code i / partitions}, so every partition holds
 * 0, 1, 2, ... in order. The {@link RecordNumber} travels in the key or in the {@value #NUMBER_HEADER} header;
 * the value is {@code valueBytes} pseudo-random bytes derived from the number, so a reader can tell a record
 * that arrived altered from one that arrived intact.
 *
 * <p>{@link #varied()} records exercise what a faithful copy must keep: null keys, tombstones (null values),
 * empty, null-valued and repeated header keys, and fixed create timestamps; a reader then checks all of it.
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
    private final boolean varied;
    /**
     * Varied records' create timestamps start here: fixed per input, and recent, because the broker deletes
     * segments by the timestamps in them (records stamped years ago vanish at the next retention check).
     */
    private final long timestampBase;

    private NumberedRecords(String topic, int partitions, long count, int valueBytes, Carrier carrier, boolean varied,
                            long timestampBase) {
        if (partitions < 1 || count < 0 || valueBytes < 0) {
            throw new IllegalArgumentException("partitions >= 1, count >= 0, valueBytes >= 0");
        }
        this.topic = topic;
        this.partitions = partitions;
        this.count = count;
        this.valueBytes = valueBytes;
        this.carrier = carrier;
        this.varied = varied;
        this.timestampBase = timestampBase;
    }

    /** {@code count} records of 100-byte values, numbered in the key. */
    public static NumberedRecords of(String topic, int partitions, long count) {
        return new NumberedRecords(topic, partitions, count, 100, Carrier.KEY, false,
            System.currentTimeMillis() - 60_000);
    }

    public NumberedRecords withValueBytes(int valueBytes) {
        return new NumberedRecords(topic, partitions, count, valueBytes, carrier, varied, timestampBase);
    }

    public NumberedRecords numberedIn(Carrier carrier) {
        return new NumberedRecords(topic, partitions, count, valueBytes, carrier, varied, timestampBase);
    }

    /**
     * Numbers in a header, and every record shaped by its number: every other key null, every tenth value a
     * tombstone, headers with empty, null and repeated keys, and a fixed create timestamp.
     */
    public NumberedRecords varied() {
        return new NumberedRecords(topic, partitions, count, valueBytes, Carrier.HEADER, true, timestampBase);
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
        if (varied && number.seq() % 10 == 3) {
            return null;
        }
        byte[] value = new byte[valueBytes];
        new SplittableRandom(number.toString().hashCode() * 31L + number.seq()).nextBytes(value);
        return value;
    }

    public ProducerRecord<byte[], byte[]> record(long index) {
        return record(number(index));
    }

    private ProducerRecord<byte[], byte[]> record(RecordNumber number) {
        RecordHeaders headers = new RecordHeaders();
        byte[] key = null;
        if (carrier == Carrier.KEY) {
            key = number.toBytes();
        } else {
            headers.add(NUMBER_HEADER, number.toBytes());
        }
        Long timestamp = null;
        if (varied) {
            key = number.seq() % 2 == 0 ? null : ("key-" + number.seq()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            headers.add("empty", new byte[0]);
            headers.add("repeated", new byte[] {1});
            headers.add("repeated", new byte[] {2});
            headers.add("null-value", null);
            timestamp = timestampBase + number.seq();
        }
        return new ProducerRecord<>(topic, number.partition(), timestamp, key, value(number), headers);
    }

    /**
     * Whether what a reader got is what was sent for {@code number}: the value always; for varied records also
     * the key, every header in order, and the timestamp.
     */
    public boolean arrivedIntact(RecordNumber number, byte[] key, byte[] value, Headers headers, long timestamp) {
        ProducerRecord<byte[], byte[]> sent = record(number);
        if (!Arrays.equals(sent.value(), value)) {
            return false;
        }
        if (!varied) {
            return true;
        }
        return Arrays.equals(sent.key(), key) && sent.timestamp() == timestamp && sameHeaders(sent.headers(), headers);
    }

    private static boolean sameHeaders(Headers sent, Headers got) {
        Iterator<Header> a = sent.iterator();
        Iterator<Header> b = got.iterator();
        while (a.hasNext() && b.hasNext()) {
            Header x = a.next();
            Header y = b.next();
            if (!x.key().equals(y.key()) || !Arrays.equals(x.value(), y.value())) {
                return false;
            }
        }
        return !a.hasNext() && !b.hasNext();
    }

    private static final Map<String, Object> PRODUCER_PROPS = Map.of(
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
        ProducerConfig.LINGER_MS_CONFIG, 10,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);

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
        try (KafkaProducer<byte[], byte[]> producer = kafka.createProducer(PRODUCER_PROPS)) {
            produceWith(producer);
        }
    }

    /** The same as {@link #produceTo(EmbeddedKafkaCluster)}, against any broker. */
    public void produceTo(String bootstrapServers) {
        Map<String, Object> props = new java.util.HashMap<>(PRODUCER_PROPS);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props,
            new org.apache.kafka.common.serialization.ByteArraySerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            produceWith(producer);
        }
    }

    private void produceWith(KafkaProducer<byte[], byte[]> producer) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (long i = 0; i < count && failure.get() == null; i++) {
            producer.send(record(i), (metadata, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        producer.flush();
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
