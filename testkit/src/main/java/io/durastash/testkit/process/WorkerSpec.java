package io.durastash.testkit.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Connect worker process of a {@link ProcessStack} runs: standalone or distributed, on which port,
 * {@code config/local/worker.properties} with which overrides, with which environment and JVM options, on which stash
 * directory.
 * The stack reads it once, when it creates the {@link WorkerProcess}; every later start of that worker runs the same.
 */
public final class WorkerSpec {
    /** The worker's entry point, as {@code connect-standalone.sh} and {@code connect-distributed.sh} run it. */
    public enum Mode {
        STANDALONE("org.apache.kafka.connect.cli.ConnectStandalone"),
        DISTRIBUTED("org.apache.kafka.connect.cli.ConnectDistributed");

        final String mainClass;

        Mode(String mainClass) {
            this.mainClass = mainClass;
        }
    }

    final String name;
    final Mode mode;
    int port;
    final Map<String, String> properties = new LinkedHashMap<>();
    final Map<String, String> env = new LinkedHashMap<>();
    final List<String> jvmOptions = new ArrayList<>();
    Path stashDir;

    private WorkerSpec(String name, Mode mode) {
        this.name = name;
        this.mode = mode;
    }

    /**
     * A standalone worker running {@code config/local/worker.properties} as it is, logging to
     * {@code logs/<name>.log}; the local stack's worker is "connect".
     */
    public static WorkerSpec standalone(String name) {
        return new WorkerSpec(name, Mode.STANDALONE);
    }

    /**
     * A distributed worker: {@code config/local/worker.properties}, the settings a one-broker distributed cluster
     * needs (one group, its three internal topics with one replica each), and a killed worker's tasks reassigned as
     * soon as it is gone instead of after the default five minutes. Workers of one stack form one cluster.
     */
    public static WorkerSpec distributed(String name) {
        return new WorkerSpec(name, Mode.DISTRIBUTED)
            .property("group.id", "durastash-connect")
            .property("config.storage.topic", "durastash-connect-configs")
            .property("offset.storage.topic", "durastash-connect-offsets")
            .property("status.storage.topic", "durastash-connect-status")
            .property("config.storage.replication.factor", "1")
            .property("offset.storage.replication.factor", "1")
            .property("status.storage.replication.factor", "1")
            .property("scheduled.rebalance.max.delay.ms", "0")
            // A standalone key; a distributed worker would read it as a config of its offsets topic ("file.filename").
            .property("offset.storage.file.filename", null);
    }

    /** The REST port, kept across restarts; a free one when not given. */
    public WorkerSpec port(int port) {
        this.port = port;
        return this;
    }

    /** A worker property on top of {@code config/local/worker.properties}; a null value removes the key. */
    public WorkerSpec property(String key, String value) {
        properties.put(key, value);
        return this;
    }

    public WorkerSpec properties(Map<String, String> overrides) {
        properties.putAll(overrides);
        return this;
    }

    /** An environment variable of the worker process, for its EnvVarConfigProvider ({@code ${env:NAME}}). */
    public WorkerSpec env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /**
     * A JVM option of the worker process, after the stack's own (heap, GC, logging), as {@code KAFKA_OPTS} adds options
     * to what {@code connect-standalone.sh} runs: a {@code -javaagent:...} such as the Prometheus JMX exporter.
     */
    public WorkerSpec jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    /**
     * The worker's own stash directory, handed to it as {@code DURASTASH_STASH_DIR} (a connector config then says
     * {@code "stash.dir": "${env:DURASTASH_STASH_DIR}"}); {@code <data dir>/stash} when not given, which is where
     * config/local's {@code ${env:DURASTASH_DATA_DIR}/stash} points too.
     */
    public WorkerSpec stashDir(Path dir) {
        this.stashDir = dir;
        return this;
    }

    /**
     * For tests that kill workers: a killed worker's sink consumer, and a distributed worker itself, leave their groups
     * after 6 s (the broker's minimum session) instead of 45 s and 10 s, so the others take over its work that soon.
     */
    public WorkerSpec fastFailover() {
        property("consumer.session.timeout.ms", "6000");
        property("consumer.heartbeat.interval.ms", "1500");
        if (mode == Mode.DISTRIBUTED) {
            property("session.timeout.ms", "6000");
            property("heartbeat.interval.ms", "1500");
        }
        return this;
    }
}
