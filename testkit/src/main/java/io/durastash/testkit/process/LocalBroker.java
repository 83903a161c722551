package io.durastash.testkit.process;

import io.durastash.testkit.StackFailure;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A single-node Kafka broker in KRaft combined mode (broker and controller in one process), started as
 * {@code kafka.Kafka <broker.properties>}, the entry point of {@code kafka-server-start.sh}, on fixed ports. Its
 * storage is formatted once, with {@code kafka.tools.StorageTool} (what {@code kafka-storage.sh format} runs), and
 * reused by every later start, of this run or the next.
 */
public final class LocalBroker {
    static final String ROLE = "kafka-broker";

    private final KafkaRuntime runtime;
    private final DataDir dataDir;
    private final int port;
    private final int controllerPort;
    private final int partitions;
    private final Map<String, String> extra;
    private volatile ChildProcess process;
    /** Stopped or killed on purpose: its process is expected to be gone. */
    private volatile boolean down;

    /** {@code extra} broker properties come after the defaults and override them (e.g. message.max.bytes). */
    LocalBroker(KafkaRuntime runtime, DataDir dataDir, int port, int controllerPort, int partitions,
                Map<String, String> extra) {
        this.runtime = runtime;
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.partitions = partitions;
        this.extra = Map.copyOf(extra);
    }

    /** Writes the broker's config and formats its storage on first use. */
    void prepare() {
        Ports.awaitFree(port);
        Ports.awaitFree(controllerPort);
        Path logDir = dataDir.kafka().resolve("data");
        try {
            Files.createDirectories(dataDir.kafka());
            StringBuilder text = new StringBuilder(properties(logDir));
            extra.forEach((key, value) -> text.append(key).append('=').append(value).append(System.lineSeparator()));
            Files.writeString(config(), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw StackFailure.environment("Cannot write the broker config " + config() + ": " + e.getMessage());
        }
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(config());
        }
    }

    /** Starts the prepared broker; does not wait for it. */
    ChildProcess launch() {
        process = ChildProcess.start("Kafka broker", runtime.command("kafka.Kafka", "1g", List.of(config().toString())),
            dataDir.kafka(), Map.of(), dataDir.logs().resolve("kafka.log"));
        dataDir.recordChild(ROLE, process.pid());
        down = false;
        return process;
    }

    /** SIGTERM, the clean shutdown of kafka-server-stop.sh; SIGKILL after {@code grace}. True when it ended in time. */
    boolean stop(Duration grace) {
        down = true;
        boolean clean = process.stop(grace);
        dataDir.forgetChild(ROLE);
        return clean;
    }

    /** SIGKILL: no shutdown hook, no clean close of the log. */
    void kill() {
        down = true;
        process.kill();
        dataDir.forgetChild(ROLE);
    }

    private Path config() {
        return dataDir.kafka().resolve("broker.properties");
    }

    private void format(Path config) {
        Path log = dataDir.logs().resolve("kafka-storage.log");
        List<String> command = runtime.command("kafka.tools.StorageTool", "256m",
            List.of("format", "--cluster-id", Uuid.randomUuid().toString(), "--config", config.toString(),
                "--ignore-formatted"));
        int exit = ChildProcess.run("Kafka storage formatter", command, dataDir.kafka(), log, Duration.ofSeconds(60));
        if (exit != 0) {
            throw StackFailure.startup("Formatting the broker's storage failed (kafka.tools.StorageTool exited with "
                + exit + "). See " + log + ".");
        }
    }

    private String properties(Path logDir) {
        return String.join(System.lineSeparator(),
            "# Written on every start (the ports may change); storage formatted once.",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@localhost:" + controllerPort,
            "listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
            "advertised.listeners=PLAINTEXT://localhost:" + port,
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs=" + logDir,
            "num.partitions=" + partitions,
            "# One broker: every internal topic has one replica.",
            "offsets.topic.replication.factor=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "# The sink's consumer group starts without waiting for more members.",
            "group.initial.rebalance.delay.ms=0",
            "");
    }

    public String bootstrap() {
        return "localhost:" + port;
    }

    /** The process of the last start. */
    public ChildProcess process() {
        return process;
    }

    /** Fails, with the end of the broker's log, when its process has exited without being stopped. */
    void requireAlive(String when) {
        if (process != null && !down && !process.isAlive()) {
            throw StackFailure.startup("The Kafka broker exited with code " + process.exitCode() + " " + when + "."
                + process.tailReport());
        }
    }
}
