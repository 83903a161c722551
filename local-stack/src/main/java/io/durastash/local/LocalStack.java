package io.durastash.local;

import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./durastash-local}: the DuraStash pair running for real on this machine. Starts a KRaft broker (unless
 * {@code --bootstrap-server} names a Kafka) and a standalone Connect worker as separate processes, unzips the
 * plugin archive onto the worker's plugin.path, creates the topics, deploys the connectors from
 * {@code config/local/} through the REST API, optionally runs the demo and its verdict, and stays up until
 * Ctrl-C, then stops the worker and then the broker.
 */
public final class LocalStack {
    static final int EXIT_OK = 0;
    static final int EXIT_VERDICT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_INTERRUPTED = 130;

    private static final Duration BROKER_START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration EXTERNAL_KAFKA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration WORKER_START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration CONNECTOR_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);

    private final Options options;
    private final BuildInfo build;
    private final PrintStream out;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean closed;

    private DataDir dataDir;
    private LocalBroker broker;
    private KafkaCluster cluster;
    private ConnectWorker worker;
    private WorkerMetrics metrics;
    private ProgressLine progress;
    private ConnectorConfigFile sink;
    private ConnectorConfigFile source;
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
        } catch (Options.UsageException e) {
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
            return e.exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_INTERRUPTED;
        } catch (Exception e) {
            if (stopping) {
                return EXIT_INTERRUPTED;
            }
            say("ERROR: unexpected " + e + ". Logs are in " + (dataDir == null ? options.dataDir : dataDir.logs()) + ".");
            e.printStackTrace(out);
            return StackFailure.STARTUP;
        }
    }

    private void start() throws Exception {
        if (Runtime.version().feature() < 17) {
            throw StackFailure.environment("DuraStash needs Java 17 or newer; this is Java " + Runtime.version()
                + " (" + System.getProperty("java.home") + "). Install a JDK 17+ and set JAVA_HOME.");
        }
        say("DuraStash " + build.version() + " local stack on Kafka " + build.kafkaVersion() + ", data in "
            + DataDir.show(options.dataDir));
        openDataDir();
        Path configDir = options.configDir.toAbsolutePath().normalize();
        readConnectorConfigs(configDir);
        KafkaRuntime runtime = KafkaRuntime.load(options.kafkaClasspathFile, configDir.resolve("log4j2.properties"),
            dataDir.root());
        requireFreePorts();
        Path plugin = PluginArchive.install(options.pluginZip, dataDir.plugins());
        say(row("plugin", DataDir.show(plugin) + "  (unzipped " + options.pluginZip.getFileName() + " onto plugin.path)"));

        String bootstrap = startKafka(runtime);
        dataDir.requireCluster(cluster.clusterId(), bootstrap);
        createTopics();
        startWorker(runtime, configDir.resolve("worker.properties"), bootstrap);

        metrics = new WorkerMetrics(worker.process().pid());
        PipelineProbe probe = new PipelineProbe(cluster, partitions(sink.inputTopics()),
            partitions(sink.inputTopics().stream().map(source::outputTopic).distinct().toList()), sink.sinkGroup(),
            source.name(), metrics);
        // Before the connectors run: what earlier runs left, and the baseline of this run's counts.
        startCounts = probe.sample();
        reportBacklog(startCounts);
        deployConnectors();
        if (metrics.unavailableReason() != null) {
            say("Note: 'acked' is not available: " + metrics.unavailableReason());
        }
        progress = new ProgressLine(probe, startCounts, out, !options.headless && System.console() != null);
        progress.start();
    }

    private void openDataDir() {
        DataDir dir = DataDir.open(options.dataDir);
        synchronized (this) {
            if (closed) {
                dir.close();
                throw StackFailure.startup("stopped");
            }
            dataDir = dir;
        }
        dataDir.stopLeftovers(this::say);
    }

    private void readConnectorConfigs(Path configDir) {
        sink = ConnectorConfigFile.read(configDir.resolve("durastash-sink.json"), ConnectorConfigFile.SINK_CLASS);
        source = ConnectorConfigFile.read(configDir.resolve("durastash-source.json"), ConnectorConfigFile.SOURCE_CLASS);
        requireSameStash(sink, source);
        inputTopic = sink.inputTopics().get(0);
        outputTopic = source.outputTopic(inputTopic);
    }

    private void requireFreePorts() {
        Ports.requireFree(options.connectPort, "Connect REST API", "--connect-port",
            "Another Connect worker may be running.");
        if (options.localBroker()) {
            String hint = "Another Kafka may be running: use it with --bootstrap-server localhost:" + options.kafkaPort
                + " instead.";
            Ports.requireFree(options.kafkaPort, "Kafka broker", "--kafka-port", hint);
            Ports.requireFree(options.controllerPort, "Kafka KRaft controller", "--controller-port", hint);
        }
    }

    /** Starts the local broker, or connects to {@code --bootstrap-server}; returns the bootstrap address. */
    private String startKafka(KafkaRuntime runtime) {
        if (!options.localBroker()) {
            cluster = KafkaCluster.connect(options.bootstrapServer, null, EXTERNAL_KAFKA_TIMEOUT);
            say(row("Kafka", options.bootstrapServer + "  (--bootstrap-server, cluster " + cluster.clusterId() + ")"));
            return options.bootstrapServer;
        }
        long t0 = System.nanoTime();
        LocalBroker started = LocalBroker.start(runtime, dataDir, options.kafkaPort, options.controllerPort,
            options.partitions);
        adopt(started.process());
        synchronized (this) {
            broker = started;
        }
        cluster = KafkaCluster.connect(started.bootstrap(), started.process(), BROKER_START_TIMEOUT);
        say(row("Kafka broker", started.bootstrap() + "  KRaft, pid " + started.process().pid() + ", ready in "
            + seconds(t0) + ", log " + DataDir.show(started.process().log())));
        return started.bootstrap();
    }

    private void startWorker(KafkaRuntime runtime, Path workerProperties, String bootstrap) throws Exception {
        long t0 = System.nanoTime();
        ConnectWorker started = ConnectWorker.start(runtime, dataDir, workerProperties, bootstrap, options.connectPort);
        adopt(started.process());
        synchronized (this) {
            worker = started;
        }
        worker.awaitReady(cluster.clusterId(), WORKER_START_TIMEOUT);
        worker.requireConnectors(dataDir.plugins());
        say(row("Connect worker", worker.rest().base() + "  standalone, pid " + worker.process().pid() + ", ready in "
            + seconds(t0) + ", log " + DataDir.show(worker.process().log())));
    }

    private void deployConnectors() throws Exception {
        worker.deploy(sink, false);
        worker.deploy(source, options.pauseSource);
        worker.awaitState(sink, "RUNNING", CONNECTOR_START_TIMEOUT);
        worker.awaitState(source, options.pauseSource ? "PAUSED" : "RUNNING", CONNECTOR_START_TIMEOUT);
        say(row("connectors", sink.name() + " RUNNING (" + DataDir.show(sink.file()) + "), " + source.name() + " "
            + (options.pauseSource ? "PAUSED (--pause-source)" : "RUNNING") + " (" + DataDir.show(source.file()) + ")"));
    }

    private List<TopicPartition> partitions(List<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        topics.forEach(topic -> partitions.addAll(cluster.partitions(topic)));
        return partitions;
    }

    /** The pair shares a stash only when both name the same stash.dir and stash.name. */
    private static void requireSameStash(ConnectorConfigFile sink, ConnectorConfigFile source) {
        for (String key : List.of("stash.dir", "stash.name")) {
            String sinkValue = sink.config().getOrDefault(key, "stash.name".equals(key) ? "default" : null);
            String sourceValue = source.config().getOrDefault(key, "stash.name".equals(key) ? "default" : null);
            if (sinkValue == null || !sinkValue.equals(sourceValue)) {
                throw StackFailure.environment("The sink (" + sink.file() + ") and the source (" + source.file()
                    + ") must name the same " + key + " to share a stash; they have " + sinkValue + " and "
                    + sourceValue + ".");
            }
        }
    }

    private void createTopics() {
        List<String> created = new ArrayList<>();
        for (String topic : sink.inputTopics()) {
            int inputPartitions = cluster.ensureTopic(topic, options.partitions);
            String output = source.outputTopic(topic);
            int outputPartitions = cluster.ensureTopic(output, inputPartitions);
            if (source.preservePartition() && outputPartitions < inputPartitions) {
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
        Demo demo = new Demo(cluster, inputTopic, outputTopic, source.preservePartition(), progress, this::say,
            () -> stopping);
        demo.produce(records, options.recordSize, options.rate);
        return options.pauseSource ? demo.awaitStashed(startCounts, dataDir.stash(), worker.process().log())
            : demo.verdict();
    }

    /** Blocks until Ctrl-C, or fails when the broker or the worker dies. */
    private void awaitStopOrFailure() throws Exception {
        int ticks = 0;
        boolean failureShown = false;
        while (!stopRequested.await(1, TimeUnit.SECONDS)) {
            if (broker != null && !broker.process().isAlive()) {
                throw StackFailure.startup("The Kafka broker exited unexpectedly (code " + broker.process().exitCode()
                    + ")." + broker.process().tailReport());
            }
            worker.requireAlive("unexpectedly");
            if (++ticks % 10 == 0 && !failureShown) {
                for (ConnectorConfigFile connector : List.of(sink, source)) {
                    ConnectRest.Status status = worker.rest().status(connector.name());
                    if ("FAILED".equals(status.connector()) || status.tasks().containsValue("FAILED")) {
                        say("Warning: the connector '" + connector.name() + "' FAILED (" + status.tasks() + "). Its "
                            + "error: curl -s " + worker.rest().base() + "connectors/" + connector.name()
                            + "/status; log: " + DataDir.show(worker.process().log()));
                        failureShown = true;
                    }
                }
            }
        }
    }

    /** Keeps a child that started while a Ctrl-C was stopping the stack from outliving the launcher. */
    private synchronized void adopt(ChildProcess child) {
        if (closed) {
            child.stop(STOP_GRACE);
            throw StackFailure.startup("stopped");
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

    /** Stops what this run started: the progress line, the clients, the worker, then the broker. Idempotent. */
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
        if (cluster != null) {
            cluster.close();
        }
        if (worker != null) {
            stop(worker.process(), ConnectWorker.ROLE);
        }
        if (broker != null) {
            stop(broker.process(), LocalBroker.ROLE);
        }
        if (dataDir != null) {
            dataDir.close();
        }
    }

    private void stop(ChildProcess child, String role) {
        if (!child.isAlive()) {
            dataDir.forgetChild(role);
            return;
        }
        long t0 = System.nanoTime();
        out.println("Stopping the " + child.name() + " (pid " + child.pid() + ") ...");
        out.flush();
        boolean clean = child.stop(STOP_GRACE);
        out.println(clean ? "  stopped in " + seconds(t0) + "."
            : "  it did not stop within " + STOP_GRACE.toSeconds() + " s and was killed. See " + child.log() + ".");
        out.flush();
        dataDir.forgetChild(role);
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
