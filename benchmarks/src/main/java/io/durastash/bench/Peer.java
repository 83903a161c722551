package io.durastash.bench;

import io.durastash.testkit.embedded.EmbeddedStack;

/**
 * What {@link PipelineBenchmark} times: something that copies the input topic into its own output topic on the stack's
 * broker, started when the clock starts and deleted after the run. The Connect pipelines ({@link Pipeline}) run in the
 * benchmark's JVM; a peer in a process of its own ({@link FlumeAgent}) reports that process's CPU time too.
 */
interface Peer {
    String label();

    String outputTopic();

    /** Starts copying; returns at once. */
    void start(EmbeddedStack stack);

    /** Throws if the copy has failed (a task failed, a process died), so that a run stops instead of timing out. */
    void checkNotFailed(EmbeddedStack stack);

    /** Stops the copy and removes what it left (connectors, stash, process, channel). */
    void delete(EmbeddedStack stack);

    /** CPU seconds used outside the benchmark's JVM since {@link #start}; 0 for a peer that runs inside it. */
    default double outsideCpuSeconds() {
        return 0;
    }
}
