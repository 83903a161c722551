package io.durastash.testkit.process;

import io.durastash.testkit.Deadline;
import io.durastash.testkit.Directories;
import io.durastash.testkit.StackFailure;
import io.durastash.testkit.connect.ConnectRest;
import io.durastash.testkit.connect.ConnectorConfig;
import io.durastash.testkit.connect.ConnectorPlugin;
import io.durastash.testkit.connect.Connectors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Kafka Connect worker of a {@link ProcessStack} as an OS process ({@code ConnectStandalone} or
 * {@code ConnectDistributed} with its worker properties), on a fixed port: started, stopped with SIGTERM, killed with
 * SIGKILL, frozen with SIGSTOP, and started again, on the same stash directory or on an emptied one. The values that depend on the run
 * reach it as environment variables, through the EnvVarConfigProvider of {@code config/local/worker.properties}; its
 * working directory is the stack's data directory (plugin.path is relative to it).
 */
public final class WorkerProcess {
    public static final String ENV_BOOTSTRAP = "DURASTASH_BOOTSTRAP_SERVERS";
    public static final String ENV_PORT = "DURASTASH_CONNECT_PORT";
    public static final String ENV_DATA_DIR = "DURASTASH_DATA_DIR";
    public static final String ENV_STASH_DIR = "DURASTASH_STASH_DIR";
    static final String ROLE = "connect-worker";
    private static final Duration READY = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);

    private final ProcessStack stack;
    private final String name;
    /** "Connect worker", or "Connect worker <name>" beside others: how messages and the stop report name it. */
    private final String title;
    private final WorkerSpec.Mode mode;
    private final int port;
    private final Path properties;
    private final Map<String, String> env;
    private final List<String> jvmOptions;
    private final Path stashDir;
    private final ConnectRest rest;
    private final Connectors connectors;
    private volatile ChildProcess process;
    /** Not started yet, or stopped or killed on purpose: its process is expected to be gone. */
    private volatile boolean down = true;

    WorkerProcess(ProcessStack stack, WorkerSpec spec) {
        this.stack = stack;
        this.name = spec.name;
        this.title = "connect".equals(name) ? "Connect worker" : "Connect worker " + name;
        this.mode = spec.mode;
        this.port = spec.port > 0 ? spec.port : Ports.anyFree();
        this.properties = writeProperties(stack, spec);
        this.env = Map.copyOf(spec.env);
        this.jvmOptions = List.copyOf(spec.jvmOptions);
        this.stashDir = spec.stashDir != null ? spec.stashDir.toAbsolutePath().normalize() : stack.stashDir();
        this.rest = ConnectRest.onPort(port);
        this.connectors = new Connectors(() -> rest, () -> requireAlive("while it served the request"),
            () -> process == null ? "" : process.tailReport());
    }

    /** The name given in its {@link WorkerSpec}, which names its log too. */
    public String name() {
        return name;
    }

    /** What {@code DURASTASH_STASH_DIR} names for this worker. */
    public Path stashDir() {
        return stashDir;
    }

    /** The process of the last start. */
    public ChildProcess process() {
        return process;
    }

    public ConnectRest rest() {
        return rest;
    }

    /** The connectors of this worker's Connect cluster (its own, standalone), through its REST API. */
    public Connectors connectors() {
        return connectors;
    }

    boolean up() {
        return !down;
    }

    /**
     * Starts the worker and waits until its REST API answers on the stack's Kafka cluster with both DuraStash
     * connectors loaded from plugin.path.
     */
    public void start() {
        if (!down) {
            throw new IllegalStateException("The " + title + " is running already (pid " + process.pid() + ")");
        }
        Ports.awaitFree(port);
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(ENV_BOOTSTRAP, stack.bootstrapServers());
        environment.put(ENV_PORT, String.valueOf(port));
        environment.put(ENV_DATA_DIR, stack.root().toString());
        environment.put(ENV_STASH_DIR, stashDir.toString());
        environment.putAll(env);
        try {
            Files.createDirectories(stack.dataDir().connect());
            Files.createDirectories(stashDir);
        } catch (IOException e) {
            throw StackFailure.environment("Cannot create the directories of the " + title + " under " + stack.root()
                + ": " + e.getMessage());
        }
        // Under the stack's monitor, so that a close in between stops this process too.
        synchronized (stack) {
            process = stack.launch(role(), title,
                stack.runtime().command(mode.mainClass, "1g", jvmOptions, List.of(properties.toString())), environment,
                stack.logs().resolve(name + ".log"));
            down = false;
        }
        awaitReady();
        requireConnectors();
    }

    /** SIGTERM, the clean shutdown path (tasks stopped, offsets flushed, stash closed). True when it ended in time. */
    public boolean stop() {
        return stop(STOP_GRACE);
    }

    /** {@link #stop()}, then SIGKILL once {@code grace} has passed. */
    public boolean stop(Duration grace) {
        down = true;
        if (process == null) {
            return true;
        }
        boolean clean = process.stop(grace);
        stack.dataDir().forgetChild(role());
        return clean;
    }

    /** SIGKILL, as {@code kill -9} or the OOM killer: no shutdown hook, no task stop, no offset flush. */
    public void kill() {
        down = true;
        if (process == null) {
            return;
        }
        process.kill();
        stack.dataDir().forgetChild(role());
    }

    /**
     * SIGSTOP: the process stops where it is, mid-write if it writes, as on a frozen host, until {@link #resume()};
     * its files stay as they are meanwhile.
     */
    public void suspend() {
        process.signal("STOP");
    }

    /** SIGCONT: a {@link #suspend() suspended} process continues. */
    public void resume() {
        process.signal("CONT");
    }

    /** While the worker is down: empties its stash directory, so its next start finds a fresh disk. */
    public void emptyStash() {
        if (!down) {
            throw new IllegalStateException("The " + title + " is running: stop or kill it first");
        }
        Directories.empty(stashDir);
    }

    /** Fails, with the worker's log, when its process has exited without being stopped. */
    void requireAlive(String when) {
        if (!down && !process.isAlive()) {
            throw StackFailure.startup("The " + title + " exited with code " + process.exitCode() + " " + when + "."
                + process.tailReport());
        }
    }

    String role() {
        return "connect".equals(name) ? ROLE : ROLE + "-" + name;
    }

    private void awaitReady() {
        Deadline deadline = Deadline.after(READY);
        String last = "no answer";
        while (!deadline.passed()) {
            requireAlive("while starting");
            try {
                String cluster = rest.kafkaClusterId();
                if (!stack.kafka().clusterId().equals(cluster)) {
                    throw StackFailure.startup("The " + title + " at " + rest.base() + " is connected to Kafka cluster "
                        + cluster + ", not " + stack.kafka().clusterId() + ".");
                }
                return;
            } catch (IOException e) {
                last = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            Deadline.pause(250);
        }
        throw StackFailure.startup("The " + title + "'s REST API (" + rest.base() + ") did not answer within "
            + deadline.seconds() + " s (" + last + ")." + process.tailReport());
    }

    /** Fails unless the worker found both connectors, which it can only have loaded from plugin.path. */
    private void requireConnectors() {
        List<String> classes = connectors.plugins().stream().map(ConnectorPlugin::className).toList();
        for (String expected : List.of(ConnectorConfig.SINK_CLASS, ConnectorConfig.SOURCE_CLASS)) {
            if (!classes.contains(expected)) {
                throw StackFailure.startup("The " + title + " did not find " + expected + " on its plugin.path ("
                    + stack.dataDir().plugins() + "). It found: " + String.join(", ", classes) + ". Check that the "
                    + "plugin archive holds the connector jars in lib/ with their META-INF/services entries."
                    + process.tailReport());
            }
        }
    }

    /**
     * {@code config/local/worker.properties} as it is when nothing overrides it; otherwise a copy with the overrides (a
     * null value removes the key), as {@code workers/<name>.properties}.
     */
    private static Path writeProperties(ProcessStack stack, WorkerSpec spec) {
        Path local = stack.configDir().resolve("worker.properties");
        if (!Files.isRegularFile(local)) {
            throw StackFailure.environment("The worker config " + local + " is missing.");
        }
        if (spec.properties.isEmpty()) {
            return local;
        }
        Path file = stack.root().resolve("workers").resolve(spec.name + ".properties");
        try {
            StringBuilder text = new StringBuilder();
            for (String line : Files.readAllLines(local, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                boolean overridden = !line.startsWith("#") && eq > 0
                    && spec.properties.containsKey(line.substring(0, eq).trim());
                text.append(overridden ? "# (overridden below) " + line : line).append(System.lineSeparator());
            }
            text.append(System.lineSeparator()).append("# Overrides of this run").append(System.lineSeparator());
            spec.properties.forEach((key, value) -> {
                if (value != null) {
                    text.append(key).append('=').append(value).append(System.lineSeparator());
                }
            });
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        return file;
    }
}
