package io.durastash.bench;

import io.durastash.testkit.embedded.EmbeddedStack;
import org.apache.kafka.connect.runtime.WorkerConfig;

import java.util.Map;

/**
 * The in-process stack every benchmark of a pipeline runs on, set up the same way for every pipeline it compares: one
 * broker and one distributed worker, the kit's defaults (byte-array converters, service-loaded plugins: the DuraStash
 * pair and MirrorMaker 2 on the classpath), Connect's default offset flush of a minute, and client overrides allowed.
 */
final class BenchStack {
    private BenchStack() {
    }

    /** Starts the stack; {@code brokerProps} are extra broker settings (for example log retention for a soak). */
    static EmbeddedStack start(Map<String, String> brokerProps) {
        return start(brokerProps, false);
    }

    /** Starts the stack, with {@code exactly.once.source.support=enabled} on the worker when {@code exactlyOnce}. */
    static EmbeddedStack start(Map<String, String> brokerProps, boolean exactlyOnce) {
        EmbeddedStack.Builder builder = EmbeddedStack.builder("durastash-bench").workers(1)
            .workerProp(WorkerConfig.OFFSET_COMMIT_INTERVAL_MS_CONFIG, "60000")
            .workerProp(WorkerConfig.CONNECTOR_CLIENT_POLICY_CLASS_CONFIG, "All");
        brokerProps.forEach(builder::brokerProp);
        if (exactlyOnce) {
            builder.exactlyOnceSource();
        }
        return builder.build().start();
    }
}
