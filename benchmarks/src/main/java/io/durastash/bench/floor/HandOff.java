package io.durastash.bench.floor;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The memory between the floor's sink and source tasks in one worker: the batches that {@code put()} handed over, in
 * the order they came, and the input offsets whose records Kafka acknowledged on the output side. Found by name, so
 * that the two connectors of one pipeline share one and the next run gets a fresh one. Bounded in records, so that a
 * sink faster than its source waits as a full stash would make it.
 */
public final class HandOff {
    /**
     * At most this many records wait in one hand-off: four polls of the example configs' 5,000 records, enough to let
     * the two tasks run apart. The records wait on the heap (the pair's wait in RocksDB, off it), so a small bound
     * keeps them from living long enough to be copied by the collector.
     */
    static final int CAPACITY_RECORDS = 20_000;
    private static final ConcurrentMap<String, HandOff> BY_NAME = new ConcurrentHashMap<>();

    private final String name;
    private final BlockingQueue<List<SinkRecord>> batches = new LinkedBlockingQueue<>();
    private final Semaphore room = new Semaphore(CAPACITY_RECORDS);
    private final ConcurrentMap<TopicPartition, Long> acknowledged = new ConcurrentHashMap<>();

    private HandOff(String name) {
        this.name = name;
    }

    /** The hand-off called {@code name} in this JVM, created on first use. */
    static HandOff named(String name) {
        return BY_NAME.computeIfAbsent(name, HandOff::new);
    }

    /** Forgets the hand-off called {@code name}, once both its connectors are deleted. */
    public static void remove(String name) {
        BY_NAME.remove(name);
    }

    /**
     * Queues {@code batch} if there is room for it within {@code timeoutMs}; returns whether it was queued. A batch
     * larger than the whole capacity waits for an empty hand-off.
     */
    boolean offer(List<SinkRecord> batch, long timeoutMs) throws InterruptedException {
        int permits = Math.min(batch.size(), CAPACITY_RECORDS);
        if (!room.tryAcquire(permits, timeoutMs, TimeUnit.MILLISECONDS)) {
            return false;
        }
        batches.add(batch);
        return true;
    }

    /** The oldest batch, waiting up to {@code timeoutMs} for one; null if none came. */
    List<SinkRecord> take(long timeoutMs) throws InterruptedException {
        List<SinkRecord> batch = batches.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (batch != null) {
            room.release(Math.min(batch.size(), CAPACITY_RECORDS));
        }
        return batch;
    }

    /**
     * Records that Kafka acknowledged the output copy of the input record at {@code offset} of {@code input}. A
     * partition's records reach the same output partition through one producer, which Connect runs with one request
     * in flight, so they are acknowledged in order and the highest offset is the one to commit.
     */
    void acknowledged(TopicPartition input, long offset) {
        acknowledged.merge(input, offset + 1, Math::max);
    }

    /** The offset to commit for {@code input}: one past its last acknowledged record; null if none was. */
    Long committable(TopicPartition input) {
        return acknowledged.get(input);
    }

    /** Records waiting in the hand-off (for a message). */
    int waiting() {
        return CAPACITY_RECORDS - room.availablePermits();
    }

    @Override
    public String toString() {
        return "hand-off '" + name + "' (" + waiting() + " records waiting, acknowledged up to " + Map.copyOf(acknowledged)
            + ")";
    }
}
