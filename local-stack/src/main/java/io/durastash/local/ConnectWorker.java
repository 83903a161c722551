package io.durastash.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A standalone Kafka Connect worker, started as {@code ConnectStandalone <worker.properties>}, the entry point of
 * {@code connect-standalone.sh}, with {@code config/local/worker.properties} as it is: the values that depend on
 * the run reach it as environment variables, through its EnvVarConfigProvider. Its working directory is the data
 * directory (plugin.path is relative to it).
 */
final class ConnectWorker {
    static final String ROLE = "connect-worker";
    static final String STANDALONE = "org.apache.kafka.connect.cli.ConnectStandalone";
    static final String DISTRIBUTED = "org.apache.kafka.connect.cli.ConnectDistributed";
    static final String ENV_BOOTSTRAP = "DURASTASH_BOOTSTRAP_SERVERS";
    static final String ENV_PORT = "DURASTASH_CONNECT_PORT";
    static final String ENV_DATA_DIR = "DURASTASH_DATA_DIR";

    private final ChildProcess process;
    private final ConnectRest rest;

    private ConnectWorker(ChildProcess process, ConnectRest rest) {
        this.process = process;
        this.rest = rest;
    }

    static ConnectWorker start(KafkaRuntime runtime, DataDir dataDir, Path workerProperties, String bootstrap, int port) {
        return start(runtime, dataDir, STANDALONE, workerProperties, bootstrap, port, "connect");
    }

    /**
     * Starts {@code mainClass} ({@link #STANDALONE} or {@link #DISTRIBUTED}) with {@code workerProperties}, logging
     * to {@code <data dir>/logs/<logName>.log}: the hook the fault tests use to run a distributed worker, or a second
     * worker next to the first.
     */
    static ConnectWorker start(KafkaRuntime runtime, DataDir dataDir, String mainClass, Path workerProperties,
                               String bootstrap, int port, String logName) {
        if (!Files.isRegularFile(workerProperties)) {
            throw StackFailure.environment("The worker config " + workerProperties + " is missing.");
        }
        try {
            Files.createDirectories(dataDir.connect());
            Files.createDirectories(dataDir.stash());
        } catch (IOException e) {
            throw StackFailure.environment("Cannot create directories under " + dataDir.root() + ": " + e.getMessage());
        }
        Map<String, String> env = Map.of(ENV_BOOTSTRAP, bootstrap, ENV_PORT, String.valueOf(port),
            ENV_DATA_DIR, dataDir.root().toString());
        ChildProcess process = ChildProcess.start("Connect worker",
            runtime.command(mainClass, "1g", List.of(workerProperties.toAbsolutePath().toString())),
            dataDir.root(), env, dataDir.logs().resolve(logName + ".log"));
        dataDir.recordChild("connect".equals(logName) ? ROLE : ROLE + "-" + logName, process.pid());
        return new ConnectWorker(process, new ConnectRest(port));
    }

    ChildProcess process() {
        return process;
    }

    ConnectRest rest() {
        return rest;
    }

    /** Waits until the REST API answers, and checks that the worker is on {@code clusterId}. */
    void awaitReady(String clusterId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            requireAlive("while starting");
            try {
                ConnectRest.Response root = rest.get("");
                if (root.ok()) {
                    String workerCluster = root.body().path("kafka_cluster_id").asText();
                    if (!clusterId.equals(workerCluster)) {
                        throw StackFailure.startup("The Connect worker at " + rest.base() + " is connected to Kafka "
                            + "cluster " + workerCluster + ", not " + clusterId + ".");
                    }
                    return;
                }
                last = "HTTP " + root.status();
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            }
            Thread.sleep(250);
        }
        throw StackFailure.startup("The Connect worker's REST API (" + rest.base() + ") did not answer within "
            + timeout.toSeconds() + " s (" + last + ")." + process.tailReport());
    }

    /** Fails unless the worker found both connectors, which it can only have loaded from plugin.path. */
    void requireConnectors(Path pluginDir) throws IOException, InterruptedException {
        List<String> classes = rest.connectorClasses();
        for (String expected : List.of(ConnectorConfigFile.SINK_CLASS, ConnectorConfigFile.SOURCE_CLASS)) {
            if (!classes.contains(expected)) {
                throw StackFailure.startup("The Connect worker did not find " + expected + " on its plugin.path ("
                    + pluginDir + "). It found: " + String.join(", ", classes) + ". Check that the plugin archive "
                    + "holds the connector jars in lib/ with their META-INF/services entries." + process.tailReport());
            }
        }
    }

    /** Validates the connector's config with the connector itself, then creates it. */
    void deploy(ConnectorConfigFile file, boolean paused) throws IOException, InterruptedException {
        List<String> problems = rest.validate(file);
        if (!problems.isEmpty()) {
            throw StackFailure.startup("The connector config " + file.file() + " is invalid:" + System.lineSeparator()
                + "    " + String.join(System.lineSeparator() + "    ", problems));
        }
        rest.deploy(file, paused);
    }

    /** Waits until the connector and all its tasks are in {@code state} (RUNNING, or PAUSED). */
    void awaitState(ConnectorConfigFile file, String state, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ConnectRest.Status status = null;
        while (System.nanoTime() < deadline) {
            requireAlive("while starting the connector '" + file.name() + "'");
            status = rest.status(file.name());
            boolean failed = "FAILED".equals(status.connector()) || status.tasks().containsValue("FAILED");
            if (failed) {
                throw StackFailure.startup("The connector '" + file.name() + "' failed: " + describe(status)
                    + (status.trace() == null ? "" : System.lineSeparator() + firstLines(status.trace(), 12))
                    + System.lineSeparator() + "Full log: " + process.log());
            }
            boolean tasksReady = "PAUSED".equals(state)
                || (!status.tasks().isEmpty() && status.tasks().values().stream().allMatch(state::equals));
            if (state.equals(status.connector()) && tasksReady) {
                return;
            }
            Thread.sleep(250);
        }
        throw StackFailure.startup("The connector '" + file.name() + "' did not reach " + state + " within "
            + timeout.toSeconds() + " s: " + (status == null ? "no status" : describe(status)) + "." + process.tailReport());
    }

    /** Fails, with the worker's log, when the worker process has exited. */
    void requireAlive(String when) {
        if (!process.isAlive()) {
            throw StackFailure.startup("The Connect worker exited with code " + process.exitCode() + " " + when + "."
                + process.tailReport());
        }
    }

    private static String describe(ConnectRest.Status status) {
        return "connector " + status.connector() + (status.tasks().isEmpty() ? ", no tasks" : ", tasks " + status.tasks());
    }

    private static String firstLines(String text, int lines) {
        String[] all = text.split("\\R");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(lines, all.length); i++) {
            out.append("    ").append(all[i]).append(System.lineSeparator());
        }
        if (all.length > lines) {
            out.append("    ...");
        }
        return out.toString().stripTrailing();
    }
}
