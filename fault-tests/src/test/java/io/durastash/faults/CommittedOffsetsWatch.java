package io.durastash.faults;

import io.durastash.testkit.KafkaCluster;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a consumer group's committed offsets with an {@code Admin} client every {@link #INTERVAL_MS} on a thread of its
 * own, and records every time one went lower than it was before: the sink must never commit backwards (that would
 * make a restarted task consume again what its stash delivered, or worse, skip past what it did not). Reading fails
 * now and then while a worker dies; such a read is retried at the next interval.
 */
final class CommittedOffsetsWatch implements AutoCloseable {
    static final long INTERVAL_MS = 250;

    /** An offset committed lower than one committed before it. */
    record Regression(TopicPartition partition, long before, long after) {
    }

    /** One read: the committed offsets, and when they were read (System.nanoTime). */
    private record Read(long nanos, Map<TopicPartition, Long> committed) {
    }

    private final KafkaCluster kafka;
    private final String group;
    private final List<TopicPartition> partitions;
    private final Map<TopicPartition, Long> highest = new HashMap<>();
    private final List<Regression> regressions = new ArrayList<>();
    private final List<Read> history = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;
    private long reads;

    CommittedOffsetsWatch(KafkaCluster kafka, String group, String topic) {
        this.kafka = kafka;
        this.group = group;
        this.partitions = kafka.partitions(topic);
        this.thread = new Thread(this::watch, "committed-offsets-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        while (!stopped) {
            try {
                Map<TopicPartition, Long> committed = kafka.committed(group, partitions);
                synchronized (this) {
                    committed.forEach((tp, offset) -> {
                        Long before = highest.get(tp);
                        if (before != null && offset < before) {
                            regressions.add(new Regression(tp, before, offset));
                        }
                        highest.merge(tp, offset, Math::max);
                    });
                    history.add(new Read(System.nanoTime(), committed));
                    reads++;
                }
            } catch (RuntimeException e) {
                // a worker dying mid-read; read again at the next interval
            }
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    synchronized List<Regression> regressions() {
        return List.copyOf(regressions);
    }

    /** The offset committed for {@code partition} in the last read before {@code nanos}; -1 if none was read. */
    synchronized long committedBefore(TopicPartition partition, long nanos) {
        long offset = -1;
        for (Read read : history) {
            if (read.nanos() >= nanos) {
                break;
            }
            offset = read.committed().getOrDefault(partition, offset);
        }
        return offset;
    }

    synchronized long reads() {
        return reads;
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
