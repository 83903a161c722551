package io.durastash.local;

import io.durastash.testkit.BuildInfo;
import io.durastash.testkit.StackFailure;
import io.durastash.testkit.cli.UsageException;
import io.durastash.testkit.connect.ConnectorConfig;
import io.durastash.testkit.connect.ConnectorStatus;
import io.durastash.testkit.connect.Connectors;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.connect.WorkerMetrics;
import io.durastash.testkit.process.DataDir;
import io.durastash.testkit.process.LocalBroker;
import io.durastash.testkit.process.Ports;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./durastash-local}: the DuraStash pair running for real on this machine. Starts a KRaft broker (unless
 * {@code --bootstrap-server} names a Kafka) and a standalone Connect worker as separate processes (the test kit's
 * process stack), unzips the plugin archive onto the worker's plugin.path, creates the topics, deploys the connectors
 * from {@code config/local/} through the REST API, optionally runs the demo and its verdict, and stays up until
 * Ctrl-C, then stops the worker and then the broker.
 */
public final class LocalStack {
    static final int EXIT_OK = 0;
    static final int EXIT_VERDICT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    /** Java, a port, a file, the data directory: fix the machine, then run again. */
    static final int EXIT_ENVIRONMENT = 3;
    /** The broker, the worker or a connector did not come up, or died. */
    static final int EXIT_STARTUP = 4;
    static final int EXIT_INTERRUPTED = 130;

    private static final Duration EXTERNAL_KAFKA_TIMEOUT = Duration.ofSeconds(30);

    private final Options options;
    private final BuildInfo build;
    private final PrintStream out;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean closed;

    private ProcessStack stack;
    private WorkerProcess worker;
    private WorkerMetrics metrics;
    private ProgressLine progress;
    private Pair pair;
    private String inputTopic;
    private String outputTopic;
    /** Totals before the connectors were deployed: the progress line counts from here. */
    private PipelineCounts startCounts = PipelineCounts.ZERO;

    private LocalStack(Options options, BuildInfo build, PrintStream out) {
        this.options = options;
        this.build = build;
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /**
     * Runs the command line {@code args}, printing to {@code out}, and returns the exit code: 0 when all went well
     * (and the verdict passed), 1 when the verdict failed, 2 for a bad command line, 3 when the machine is not ready
     * (Java, a port, a file), 4 when the broker, the worker or a connector did not come up or died.
     */
    static int run(String[] args, PrintStream out) {
        BuildInfo build = BuildInfo.load();
        Options options;
        try {
            options = Options.parse(args, build);
        } catch (UsageException e) {
            out.println(e.getMessage());
            out.println("Run ./durastash-local --help for the options.");
            return EXIT_USAGE;
        }
        if (options.help) {
            out.print(Options.usage());
            return EXIT_OK;
        }
        LocalStack stack = new LocalStack(options, build, out);
        Thread hook = new Thread(stack::stopOnSignal, "durastash-local-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return stack.runToEnd();
        } finally {
            stack.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it stops the stack.
            }
        }
    }

    private int runToEnd() {
        try {
            start();
            int exit = EXIT_OK;
            if (options.demoRecords.isPresent()) {
                exit = demo(options.demoRecords.getAsLong());
            }
            if (options.headless) {
                say("Counts of this run: " + ProgressLine.counts(progress.sampleNow().since(startCounts)) + ".");
                return exit;
            }
            say("Up. Connect REST API on " + worker.rest().base() + " (curl -s " + worker.rest().base()
                + "connectors?expand=status). Ctrl-C stops the worker, then the broker.");
            awaitStopOrFailure();
            return stopping ? EXIT_INTERRUPTED : exit;
        } catch (StackFailure e) {
            if (stopping) {
                return EXIT_INTERRUPTED;
            }
            say("ERROR: " + e.getMessage());
            return e.kind() == StackFailure.Kind.ENVIRONMENT ? EXIT_ENVIRONMENT : EXIT_STARTUP;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_INTERRUPTED;
        } catch (Exception e) {
            if (stopping) {
                return EXIT_INTERRUPTED;
            }
            say("ERROR: unexpected " + e + ". Logs are in " + (stack == null ? options.dataDir : stack.logs()) + ".");
            e.printStackTrace(out);
            return EXIT_STARTUP;
        }
    }

    private void start() {
        if (Runtime.version().feature() < 17) {
            throw StackFailure.environment("DuraStash needs Java 17 or newer; this is Java " + Runtime.version()
                + " (" + System.getProperty("java.home") + "). Install a JDK 17+ and set JAVA_HOME.");
        }
        say("DuraStash " + build.version() + " local stack on Kafka " + build.kafkaVersion() + ", data in "
            + DataDir.show(options.dataDir));
        Path configDir = options.configDir.toAbsolutePath().normalize();
        openStack(configDir);
        readConnectorConfigs(configDir);
        requireFreePorts();
        if (!Files.isRegularFile(options.pluginZip)) {
            throw StackFailure.environment("The plugin archive " + options.pluginZip + " is missing. Build it with "
                + "./durastash-local --build (or `mvn -DskipTests package -pl local-stack -am`), or name another "
                + "with --plugin-zip.");
        }
        Path plugin = stack.installPlugin(options.pluginZip);
        say(row("plugin", DataDir.show(plugin) + "  (unzipped " + options.pluginZip.getFileName() + " onto plugin.path)"));

        startKafka();
        createTopics();
        startWorker();

        metrics = WorkerMetrics.ofProcess(worker.process().pid());
        PipelineProbe probe = new PipelineProbe(stack.kafka(), partitions(pair.sink().inputTopics()),
            partitions(pair.sink().inputTopics().stream().map(pair.source()::outputTopic).distinct().toList()),
            pair.sink().name(), pair.source().name(), metrics);
        // Before the connectors run: what earlier runs left, and the baseline of this run's counts.
        startCounts = probe.sample(StashOnDisk.pendingRecords(plugin, stack.stashDir().resolve(pair.sink().config()
            .get("stash.name"))));
        reportBacklog(startCounts);
        deployConnectors();
        if (metrics.unavailableReason() != null) {
            say("Note: 'acked' is not available: " + metrics.unavailableReason());
        }
        progress = new ProgressLine(probe, startCounts, out, !options.headless && System.console() != null);
        progress.start();
    }

    /** Locks the data directory (stopping what a killed launcher left running there) unless a Ctrl-C came first. */
    private void openStack(Path configDir) {
        ProcessStack opened = ProcessStack.open(options.dataDir, options.kafkaClasspathFile, configDir, this::say);
        synchronized (this) {
            if (closed) {
                opened.close();
                throw StackFailure.startup("stopped");
            }
            stack = opened;
        }
    }

    private void readConnectorConfigs(Path configDir) {
        pair = Pair.local(configDir);
        inputTopic = pair.inputTopic();
        outputTopic = pair.outputTopic();
    }

    private void requireFreePorts() {
        requireFree(options.connectPort, "Connect REST API", "--connect-port", "Another Connect worker may be running.");
        if (options.localBroker()) {
            String hint = "Another Kafka may be running: use it with --bootstrap-server localhost:" + options.kafkaPort
                + " instead.";
            requireFree(options.kafkaPort, "Kafka broker", "--kafka-port", hint);
            requireFree(options.controllerPort, "Kafka KRaft controller", "--controller-port", hint);
        }
    }

    /** Fails, naming the port, what it is for and how to choose another, when something listens on it. */
    private static void requireFree(int port, String role, String option, String hint) {
        if (!Ports.isFree(port)) {
            throw StackFailure.environment("Port " + port + " (" + role + ") is already in use on this machine. "
                + "Find the process with `lsof -i :" + port + "` (or `ss -ltnp | grep :" + port + "`) and stop it, or "
                + "choose another port with " + option + " N. " + hint);
        }
    }

    /** Starts the local broker, or connects to {@code --bootstrap-server}. */
    private void startKafka() {
        if (!options.localBroker()) {
            stack.useKafka(options.bootstrapServer, EXTERNAL_KAFKA_TIMEOUT, "Check the address (--bootstrap-server), "
                + "that the cluster is up, and that it accepts plaintext connections from this machine.");
            say(row("Kafka", options.bootstrapServer + "  (--bootstrap-server, cluster " + stack.kafka().clusterId() + ")"));
            return;
        }
        long t0 = System.nanoTime();
        LocalBroker broker = stack.startBroker(options.kafkaPort, options.controllerPort, options.partitions, Map.of());
        say(row("Kafka broker", broker.bootstrap() + "  KRaft, pid " + broker.process().pid() + ", ready in "
            + seconds(t0) + ", log " + DataDir.show(broker.process().log())));
    }

    private void startWorker() {
        long t0 = System.nanoTime();
        worker = stack.worker(WorkerSpec.standalone("connect").port(options.connectPort));
        worker.start();
        say(row("Connect worker", worker.rest().base() + "  standalone, pid " + worker.process().pid() + ", ready in "
            + seconds(t0) + ", log " + DataDir.show(worker.process().log())));
    }

    private void deployConnectors() {
        Connectors connectors = worker.connectors();
        connectors.deploy(pair.sink());
        if (options.pauseSource) {
            connectors.deployPaused(pair.source());
        } else {
            connectors.deploy(pair.source());
        }
        connectors.awaitRunning(pair.sink().name(), pair.sink().tasksMax(), Connectors.START);
        if (options.pauseSource) {
            connectors.awaitState(pair.source().name(), ConnectorStatus.PAUSED, Connectors.START);
        } else {
            connectors.awaitRunning(pair.source().name(), pair.source().tasksMax(), Connectors.START);
        }
        say(row("connectors", pair.sink().name() + " RUNNING (" + DataDir.show(pair.sink().file()) + "), "
            + pair.source().name() + " " + (options.pauseSource ? "PAUSED (--pause-source)" : "RUNNING") + " ("
            + DataDir.show(pair.source().file()) + ")"));
    }

    private List<TopicPartition> partitions(List<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        topics.forEach(topic -> partitions.addAll(stack.kafka().partitions(topic)));
        return partitions;
    }

    private void createTopics() {
        List<String> created = new ArrayList<>();
        for (String topic : pair.sink().inputTopics()) {
            int inputPartitions = stack.kafka().ensureTopic(topic, options.partitions);
            String output = pair.source().outputTopic(topic);
            int outputPartitions = stack.kafka().ensureTopic(output, inputPartitions);
            if (pair.source().preservePartition() && outputPartitions < inputPartitions) {
                throw StackFailure.environment("The output topic '" + output + "' has " + outputPartitions
                    + " partitions, fewer than the input topic '" + topic + "' (" + inputPartitions + "); with "
                    + "preserve.partition=true the source writes each record to its input partition. Add partitions "
                    + "to '" + output + "' or delete it (the launcher then creates it).");
            }
            created.add(topic + " (" + partitionCount(inputPartitions) + ") -> " + output + " ("
                + partitionCount(outputPartitions) + ")");
        }
        say(row("topics", String.join(", ", created)));
    }

    /** Shows what earlier runs left: the records this run starts with. */
    private void reportBacklog(PipelineCounts counts) {
        if (counts.in() == 0) {
            return;
        }
        String text = String.format(Locale.ROOT, "%s holds %,d records from earlier runs, the sink has stashed %,d of "
            + "them, %s holds %,d.", inputTopic, counts.in(), counts.stashed(), outputTopic, counts.emitted());
        // The output may hold duplicates (redelivery after a crash), so this is a lower bound of the stash's content.
        long notEmitted = counts.stashed() - counts.emitted();
        if (notEmitted > 0) {
            text += String.format(Locale.ROOT, " At least %,d stashed records have not reached %s yet: %s.", notEmitted,
                outputTopic, options.pauseSource ? "they stay in the stash while the source is paused"
                    : "the source drains them from the stash as it starts");
        }
        say(row("at start", text));
    }

    private int demo(long records) throws Exception {
        Demo demo = new Demo(stack.kafka(), inputTopic, outputTopic, pair.source().preservePartition(), progress,
            this::say, () -> stopping);
        demo.produce(records, options.recordSize, options.rate);
        return options.pauseSource ? demo.awaitStashed(startCounts, stack.stashDir(), worker.process().log())
            : demo.verdict();
    }

    /** Blocks until Ctrl-C, or fails when the broker or the worker dies. */
    private void awaitStopOrFailure() throws InterruptedException {
        int ticks = 0;
        boolean failureShown = false;
        while (!stopRequested.await(1, TimeUnit.SECONDS)) {
            stack.requireAlive("unexpectedly");
            if (++ticks % 10 == 0 && !failureShown) {
                for (ConnectorConfig connector : List.of(pair.sink(), pair.source())) {
                    ConnectorStatus status = worker.connectors().status(connector.name());
                    if (status.failed()) {
                        say("Warning: the connector '" + connector.name() + "' FAILED (" + status.tasks() + "). Its "
                            + "error: curl -s " + worker.rest().base() + "connectors/" + connector.name()
                            + "/status; log: " + DataDir.show(worker.process().log()));
                        failureShown = true;
                    }
                }
            }
        }
    }

    private void stopOnSignal() {
        if (closed) {
            return;
        }
        stopping = true;
        say("Stopping (Ctrl-C or SIGTERM) ...");
        close();
        stopRequested.countDown();
    }

    /** Stops what this run started: the progress line, the metrics, then the stack (worker, broker). Idempotent. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopping = true;
        stopRequested.countDown();
        if (progress != null) {
            progress.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private void say(String message) {
        ProgressLine line = progress;
        if (line != null) {
            line.say(message);
        } else {
            out.println(message);
            out.flush();
        }
    }

    private static String partitionCount(int count) {
        return count == 1 ? "1 partition" : count + " partitions";
    }

    private static String row(String label, String text) {
        return String.format(Locale.ROOT, "  %-15s %s", label, text);
    }

    private static String seconds(long startNanos) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }
}
