package io.durastash.local;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo's numbered records ({@link DemoLoad}: number = input offset) produced on a thread of their own at a fixed
 * rate until {@link #stop()}, so that records keep flowing while a test kills and restarts processes.
 */
final class BackgroundLoad {
    private final Thread thread;
    private final AtomicReference<DemoLoad.Result> result = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopRequested;

    private BackgroundLoad(DemoLoad load, long count) {
        thread = new Thread(() -> {
            try {
                result.set(load.produce(count, () -> stopRequested));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "fault-test-load");
        thread.setDaemon(true);
    }

    /** Produces {@code recordSize}-byte records into {@code topic} at {@code rate} per second until stopped. */
    static BackgroundLoad start(KafkaCluster cluster, String topic, int recordSize, long rate) {
        return start(cluster, topic, recordSize, rate, Long.MAX_VALUE, Map.of());
    }

    /** Produces {@code count} records (or until stopped), with {@code producerOverrides}. */
    static BackgroundLoad start(KafkaCluster cluster, String topic, int recordSize, long rate, long count,
                                Map<String, String> producerOverrides) {
        BackgroundLoad load = new BackgroundLoad(new DemoLoad(cluster, topic, recordSize, rate, producerOverrides), count);
        load.thread.start();
        return load;
    }

    boolean running() {
        return thread.isAlive();
    }

    /** Stops producing, waits until Kafka acknowledged everything sent, and returns how many records that was. */
    long stop() {
        stopRequested = true;
        return await();
    }

    /** Waits for the end of the load; returns the records Kafka acknowledged. */
    long await() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (failure.get() != null) {
            throw new AssertionError("The numbered load failed", failure.get());
        }
        DemoLoad.Result done = result.get();
        if (done.misnumbered() > 0) {
            throw new AssertionError(done.misnumbered() + " numbered records did not land at the offset of their "
                + "number: the input is not what the verdict assumes");
        }
        return done.acknowledged();
    }
}
