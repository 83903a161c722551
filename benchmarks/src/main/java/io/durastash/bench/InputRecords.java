package io.durastash.bench;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The records every pipeline copies: no key, a 100-byte value (an 8-byte sequence number, then random bytes),
 * no headers. Produced with {@code acks=all} and an idempotent producer, one request in flight (see
 * NumberedRecords in integration-tests: with more, a batch retried on a just-created partition can be lost,
 * KAFKA-15591), either as fast as possible (preload) or at a fixed rate with the send time as the record's
 * timestamp (latency, soak).
 */
final class InputRecords {
    static final int VALUE_BYTES = 100;

    private final byte[] filler = new byte[VALUE_BYTES];

    InputRecords() {
        new Random(42).nextBytes(filler);
    }

    byte[] value(long sequence) {
        byte[] value = filler.clone();
        ByteBuffer.wrap(value).putLong(0, sequence);
        return value;
    }

    static KafkaProducer<byte[], byte[]> producer(EmbeddedKafkaCluster kafka, int lingerMs) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        return kafka.createProducer(props);
    }

    /** Produces {@code count} records as fast as the producer takes them; returns once all are acknowledged. */
    void preload(EmbeddedKafkaCluster kafka, String topic, long count) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka, 10)) {
            for (long i = 0; i < count && failure.get() == null; i++) {
                producer.send(new ProducerRecord<>(topic, null, value(i)), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Could not preload " + count + " records into " + topic, failure.get());
        }
    }

    /**
     * Produces at {@code ratePerSecond} for {@code durationMs}, each record stamped with its send time, until
     * done or {@code stop} is set. Paced in 1 ms steps: each step sends what the schedule owes by then, so a
     * slow step is made up by the next ones rather than lowering the rate. Returns the records acknowledged.
     */
    long produceAtRate(EmbeddedKafkaCluster kafka, String topic, double ratePerSecond, long durationMs,
                       AtomicLong sentCounter) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong acknowledged = new AtomicLong();
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka, 1)) {
            long start = System.nanoTime();
            long end = start + durationMs * 1_000_000L;
            long sent = 0;
            while (failure.get() == null) {
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                long owed = (long) ((now - start) / 1e9 * ratePerSecond);
                while (sent < owed) {
                    producer.send(new ProducerRecord<>(topic, null, System.currentTimeMillis(), null, value(sent)),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            } else {
                                acknowledged.incrementAndGet();
                            }
                        });
                    sent++;
                    sentCounter.set(sent);
                }
                LockSupport.parkNanos(1_000_000L);
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Could not produce into " + topic, failure.get());
        }
        return acknowledged.get();
    }
}
