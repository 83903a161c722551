package io.durastash.integration;

import java.util.concurrent.atomic.AtomicReference;

/** Produces numbered records on a thread of its own, so that a test can disturb the pipeline mid-stream. */
final class BackgroundProducer implements AutoCloseable {
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private BackgroundProducer(NumberedRecords input, ConnectClusterFixture cluster) {
        thread = new Thread(() -> {
            try {
                input.produceTo(cluster.kafka());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "numbered-producer-" + input.topic());
    }

    static BackgroundProducer start(NumberedRecords input, ConnectClusterFixture cluster) {
        BackgroundProducer producer = new BackgroundProducer(input, cluster);
        producer.thread.start();
        return producer;
    }

    /** Waits until every record is acknowledged by the broker; fails if producing failed. */
    void awaitDone(long timeoutMs) throws InterruptedException {
        thread.join(timeoutMs);
        if (thread.isAlive()) {
            throw new AssertionError("producing did not finish in " + timeoutMs + " ms");
        }
        if (failure.get() != null) {
            throw new AssertionError("producing failed", failure.get());
        }
    }

    @Override
    public void close() throws InterruptedException {
        thread.join();
    }
}
