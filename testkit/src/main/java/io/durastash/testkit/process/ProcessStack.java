package io.durastash.testkit.process;

import io.durastash.testkit.BuildInfo;
import io.durastash.testkit.KafkaCluster;
import io.durastash.testkit.StackFailure;
import io.durastash.testkit.connect.ConnectStack;
import io.durastash.testkit.connect.Connectors;
import io.durastash.testkit.connect.PluginArchive;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Connect stack as users run it: a KRaft broker ({@link LocalBroker}) and any number of Connect workers
 * ({@link WorkerProcess}, standalone or distributed, each with its own environment and stash directory) as separate
 * OS processes of Kafka's own runtime, on fixed ports, on one data directory, with the plugin archive unzipped onto
 * their plugin.path. Each process can be stopped (SIGTERM), killed (SIGKILL) and started again on the same ports and
 * the same disk. {@link #close()} stops the workers, then the broker, and says so through the stack's report.
 */
public final class ProcessStack extends ConnectStack {
    /** Partitions of a topic the broker creates by itself, and of a test's topics by default. */
    public static final int PARTITIONS = 3;
    private static final Duration BROKER_START = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);
    /**
     * How long a worker may take to stop when the stack closes, after its test. Connect's REST server waits up to 60 s
     * for requests it still counts as running (a worker of ClusterResetFaultTest did, on 2026-12-07); the test has its
     * verdict by then.
     */
    private static final Duration TEARDOWN_GRACE = Duration.ofSeconds(10);

    private final DataDir dataDir;
    private final KafkaRuntime runtime;
    private final Path configDir;
    private final Consumer<String> report;
    private final List<WorkerProcess> workers = new ArrayList<>();
    private final Connectors connectors;
    private LocalBroker broker;
    private volatile KafkaCluster kafka;
    private boolean closed;

    private ProcessStack(DataDir dataDir, KafkaRuntime runtime, Path configDir, Consumer<String> report) {
        this.dataDir = dataDir;
        this.runtime = runtime;
        this.configDir = configDir;
        this.report = report;
        this.connectors = new Connectors(() -> anyWorker().rest(), () -> requireAlive("while serving the request"),
            this::lastLinesOfAWorker);
    }

    /**
     * Locks {@code root} for this stack and stops what an earlier, killed run left running there (saying so through
     * {@code report}). The processes run the Kafka of {@code kafkaClasspathFile} with {@code configDir}'s
     * worker.properties and log4j2.properties.
     */
    public static ProcessStack open(Path root, Path kafkaClasspathFile, Path configDir, Consumer<String> report) {
        DataDir dataDir = DataDir.open(root.toAbsolutePath().normalize());
        try {
            dataDir.stopLeftovers(report);
            KafkaRuntime runtime = KafkaRuntime.load(kafkaClasspathFile, configDir.resolve("log4j2.properties"),
                dataDir.root());
            return new ProcessStack(dataDir, runtime, configDir.toAbsolutePath().normalize(), report);
        } catch (RuntimeException e) {
            dataDir.close();
            throw e;
        }
    }

    /**
     * A stack on {@code root} as the build made it, with the build's plugin archive installed and a broker started on
     * free ports ({@code brokerProperties} on top of its own) and answering; reports go to standard output.
     */
    public static ProcessStack start(Path root, Map<String, String> brokerProperties) {
        BuildInfo build = BuildInfo.load();
        ProcessStack stack = open(root, build.kafkaClasspathFile(), build.configDir(), System.out::println);
        try {
            stack.installPlugin(build.pluginArchive());
            stack.startBroker(Ports.anyFree(), Ports.anyFree(), PARTITIONS, brokerProperties);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    public static ProcessStack start(Path root) {
        return start(root, Map.of());
    }

    public Path root() {
        return dataDir.root();
    }

    public Path logs() {
        return dataDir.logs();
    }

    /** {@code <data dir>/stash}: where config/local's connectors stash, through ${env:DURASTASH_DATA_DIR}. */
    public Path stashDir() {
        return dataDir.stash();
    }

    Path configDir() {
        return configDir;
    }

    DataDir dataDir() {
        return dataDir;
    }

    KafkaRuntime runtime() {
        return runtime;
    }

    /** Unzips {@code archive} onto the workers' plugin.path, {@code <data dir>/plugins}; returns the plugin directory. */
    public Path installPlugin(Path archive) {
        return PluginArchive.open(archive).installInto(dataDir.plugins());
    }

    // ---- Kafka ----

    /** Starts the local broker on these ports and waits until it answers. */
    public LocalBroker startBroker(int port, int controllerPort, int partitions, Map<String, String> properties) {
        broker = new LocalBroker(runtime, dataDir, port, controllerPort, partitions, properties);
        startBroker();
        return broker;
    }

    /** Starts the broker again, after a stop or a kill, on the same ports and log dirs, and waits until it answers. */
    public void startBroker() {
        broker.prepare();
        launch(broker::launch);
        connect(broker.bootstrap(), BROKER_START, () -> broker.requireAlive("while starting"),
            () -> broker.process().tailReport());
    }

    /** SIGTERM, the clean shutdown of kafka-server-stop.sh; SIGKILL after the grace period. True when it ended in time. */
    public boolean stopBroker() {
        return broker.stop(STOP_GRACE);
    }

    /** SIGKILL. */
    public void killBroker() {
        broker.kill();
    }

    /** The local broker; null when the stack runs against another Kafka ({@link #useKafka}). */
    public LocalBroker broker() {
        return broker;
    }

    /** Runs against the Kafka at {@code bootstrap} instead of a local broker; {@code hint} ends the message of a failure. */
    public void useKafka(String bootstrap, Duration timeout, String hint) {
        connect(bootstrap, timeout, () -> { }, () -> " " + hint);
    }

    private void connect(String bootstrap, Duration timeout, Runnable whileWaiting,
                         Supplier<String> afterTimeout) {
        KafkaCluster connected = KafkaCluster.connect(bootstrap, timeout, whileWaiting, afterTimeout);
        dataDir.requireCluster(connected.clusterId(), bootstrap);
        KafkaCluster previous = kafka;
        kafka = connected;
        if (previous != null) {
            previous.close();
        }
    }

    @Override
    public KafkaCluster kafka() {
        if (kafka == null) {
            throw new IllegalStateException("No Kafka yet: start the broker or name one first");
        }
        return kafka;
    }

    // ---- workers ----

    /** A worker of this stack as {@code spec} says, not started yet; it is stopped with the stack. */
    public synchronized WorkerProcess worker(WorkerSpec spec) {
        WorkerProcess worker = new WorkerProcess(this, spec);
        workers.add(worker);
        return worker;
    }

    /** {@link #worker(WorkerSpec)}, started: its REST API answers and it found both connectors. */
    public WorkerProcess startWorker(WorkerSpec spec) {
        WorkerProcess worker = worker(spec);
        worker.start();
        return worker;
    }

    public synchronized List<WorkerProcess> workers() {
        return List.copyOf(workers);
    }

    /** The connectors of the Connect cluster, through a running worker (for standalone workers: the first). */
    @Override
    public Connectors connectors() {
        return connectors;
    }

    private synchronized WorkerProcess anyWorker() {
        return workers.stream().filter(WorkerProcess::up).findFirst()
            .orElseThrow(() -> StackFailure.startup("No Connect worker of the stack at " + root() + " is running."));
    }

    private synchronized String lastLinesOfAWorker() {
        return workers.stream().filter(WorkerProcess::up).findFirst().map(worker -> worker.process().tailReport())
            .orElse("");
    }

    /** Fails, with its log, when the broker or a worker exited without being stopped. */
    public void requireAlive(String when) {
        if (broker != null) {
            broker.requireAlive(when);
        }
        workers().forEach(worker -> worker.requireAlive(when));
    }

    /**
     * Starts a child process unless the stack is closed: a close (the launcher's Ctrl-C) and a start never interleave,
     * and a process started after it would outlive the stack.
     */
    synchronized ChildProcess launch(String role, String name, List<String> command, Map<String, String> env, Path log) {
        return launch(() -> {
            ChildProcess process = ChildProcess.start(name, command, dataDir.root(), env, log);
            dataDir.recordChild(role, process.pid());
            return process;
        });
    }

    private synchronized ChildProcess launch(Supplier<ChildProcess> start) {
        if (closed) {
            throw StackFailure.startup("stopped");
        }
        return start.get();
    }

    /** Stops the workers (SIGTERM, then SIGKILL), then the broker, and releases the data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (WorkerProcess worker : workers) {
            if (worker.up() && worker.process().isAlive()) {
                stop(worker.process(), () -> worker.stop(TEARDOWN_GRACE), TEARDOWN_GRACE);
            }
        }
        if (kafka != null) {
            kafka.close();
        }
        if (broker != null && broker.process() != null && broker.process().isAlive()) {
            stop(broker.process(), () -> broker.stop(STOP_GRACE), STOP_GRACE);
        }
        dataDir.close();
    }

    private void stop(ChildProcess child, BooleanSupplier stop, Duration grace) {
        long t0 = System.nanoTime();
        report.accept("Stopping the " + child.name() + " (pid " + child.pid() + ") ...");
        boolean clean = stop.getAsBoolean();
        report.accept(clean ? String.format(Locale.ROOT, "  stopped in %.1f s.", (System.nanoTime() - t0) / 1e9)
            : "  it did not stop within " + grace.toSeconds() + " s and was killed. See " + child.log() + ".");
    }
}
