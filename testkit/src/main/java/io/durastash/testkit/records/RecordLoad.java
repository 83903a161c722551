package io.durastash.testkit.records;

import io.durastash.testkit.KafkaCluster;
import io.durastash.testkit.StackFailure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Produces {@link NumberedRecords} into a topic, round-robin over its partitions, at a steady rate or as fast as Kafka
 * takes them, and counts as it goes. In each partition the numbering continues from the partition's end offset, so a
 * record's number is its input offset across runs: a check expects every number from a partition's start offset to
 * its end offset.
 *
 * <p>The producer is idempotent, {@code acks=all}, with one request in flight per connection: with more, a first
 * batch that fails on a just-created partition (NOT_LEADER_OR_FOLLOWER) is overtaken by the next one, which the broker
 * accepts as the producer's first, and the retried batch is then rejected as out of sequence until it expires: its
 * records are lost (KAFKA-15591, seen with Kafka 4.3.1). The input's order and completeness are the premise of every
 * check.
 */
public final class RecordLoad {
    private final KafkaCluster kafka;
    private final String topic;
    private final NumberedRecords records;
    private final long rate;
    private final long count;
    private final Map<String, String> producerOverrides;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Produced> result = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopRequested;
    private volatile Thread thread;

    private RecordLoad(KafkaCluster kafka, String topic, NumberedRecords records, long rate, long count,
                       Map<String, String> producerOverrides) {
        this.kafka = kafka;
        this.topic = topic;
        this.records = records;
        this.rate = rate;
        this.count = count;
        this.producerOverrides = Map.copyOf(producerOverrides);
    }

    /** A load of {@code records} into {@code topic}: unbounded, as fast as Kafka takes them, until told otherwise. */
    public static RecordLoad into(KafkaCluster kafka, String topic, NumberedRecords records) {
        return new RecordLoad(kafka, topic, records, 0, Long.MAX_VALUE, Map.of());
    }

    /** Produces {@code count} records now and returns once Kafka acknowledged them all. */
    public static Produced produce(KafkaCluster kafka, String topic, NumberedRecords records, long count) {
        return into(kafka, topic, records).count(count).produce();
    }

    /** Produces this load's records on this thread and returns once Kafka acknowledged them all. */
    public Produced produce() {
        return run(() -> false);
    }

    /** At most {@code perSecond} records per second; 0 for as fast as Kafka takes them. */
    public RecordLoad rate(long perSecond) {
        return new RecordLoad(kafka, topic, records, perSecond, count, producerOverrides);
    }

    public RecordLoad count(long records) {
        return new RecordLoad(kafka, topic, this.records, rate, records, producerOverrides);
    }

    /** Producer settings on top of the load's own (e.g. max.request.size for large records, linger.ms). */
    public RecordLoad producer(Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(producerOverrides);
        merged.putAll(overrides);
        return new RecordLoad(kafka, topic, records, rate, count, merged);
    }

    /** Produces on a thread of its own, so that records keep flowing while a test disturbs the pipeline. */
    public synchronized RecordLoad start() {
        if (thread != null) {
            throw new IllegalStateException("The load into " + topic + " has started already");
        }
        thread = new Thread(() -> {
            try {
                result.set(run(() -> stopRequested));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "numbered-load-" + topic);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Records handed to the producer so far. */
    public long sent() {
        return sent.get();
    }

    /** Records Kafka acknowledged so far. */
    public long acknowledged() {
        return acknowledged.get();
    }

    public boolean running() {
        return thread != null && thread.isAlive();
    }

    /** Stops producing and returns once Kafka acknowledged everything sent; see {@link #await}. */
    public Produced stop(Duration timeout) {
        stopRequested = true;
        return await(timeout);
    }

    /**
     * Waits for the end of a started load; fails when it failed, did not end within {@code timeout}, or produced a
     * record that did not land at the offset of its number (the input is then not what a check assumes).
     */
    public Produced await(Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (thread.isAlive()) {
            throw new AssertionError("The numbered load into " + topic + " did not finish within " + timeout.toSeconds()
                + " s; " + acknowledged() + " records acknowledged");
        }
        if (failure.get() != null) {
            throw new AssertionError("The numbered load into " + topic + " failed", failure.get());
        }
        Produced done = result.get();
        if (done.misnumbered() > 0) {
            throw new AssertionError(done.misnumbered() + " numbered records did not land at the offset of their "
                + "number in " + topic + ": the input is not what the check assumes");
        }
        return done;
    }

    /** Produces on this thread until {@code count} records are sent or {@code stop} says so, then flushes. */
    public Produced run(BooleanSupplier stop) {
        List<TopicPartition> partitions = kafka.partitions(topic);
        Map<TopicPartition, Long> first = kafka.endOffsets(partitions);
        Map<TopicPartition, Long> next = new HashMap<>(first);
        AtomicLong misnumbered = new AtomicLong();
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        long started = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig())) {
            for (long i = 0; i < count && sendFailure.get() == null && !stop.getAsBoolean(); i++) {
                TopicPartition tp = partitions.get((int) (i % partitions.size()));
                long seq = next.merge(tp, 1L, Long::sum) - 1;
                ProducerRecord<byte[], byte[]> record = records.record(topic, tp.partition(), seq);
                producer.send(record, (metadata, e) -> {
                    if (e != null) {
                        sendFailure.compareAndSet(null, e);
                    } else {
                        acknowledged.incrementAndGet();
                        if (metadata.offset() != seq) {
                            misnumbered.incrementAndGet();
                        }
                    }
                });
                sent.incrementAndGet();
                if (rate > 0) {
                    pace(i + 1, started);
                }
            }
            producer.flush();
        }
        if (sendFailure.get() != null) {
            throw StackFailure.startup("Producing numbered records into '" + topic + "' failed after "
                + acknowledged.get() + " records: " + StackFailure.rootMessage(sendFailure.get()));
        }
        Map<InputPartition, Expected.Range> ranges = new LinkedHashMap<>();
        partitions.forEach(tp -> ranges.put(new InputPartition(records.series(), tp.partition()),
            new Expected.Range(first.get(tp), next.get(tp))));
        return Produced.of(acknowledged.get(), misnumbered.get(), ranges);
    }

    /** Sleeps while more than {@code sent} records at {@link #rate} per second would be ahead of the clock. */
    private void pace(long sent, long started) {
        long ahead = started + sent * 1_000_000_000L / rate - System.nanoTime();
        if (ahead > 1_000_000) {
            try {
                Thread.sleep(ahead / 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private Properties producerConfig() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "numbered-load-" + topic);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(64L * 1024 * 1024));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Duration.ofMinutes(2).toMillis()));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putAll(producerOverrides);
        return props;
    }
}
