package io.durastash.local;

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
 * {@code kafka.Kafka <broker.properties>}, the entry point of {@code kafka-server-start.sh}. Its storage is
 * formatted once, with {@code kafka.tools.StorageTool} (what {@code kafka-storage.sh format} runs), and reused by
 * later runs.
 */
final class LocalBroker {
    static final String ROLE = "kafka-broker";

    private final ChildProcess process;
    private final int port;

    private LocalBroker(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Writes the broker's config, formats its storage on first use and starts it; does not wait for it. */
    static LocalBroker start(KafkaRuntime runtime, DataDir dataDir, int port, int controllerPort, int partitions) {
        return start(runtime, dataDir, port, controllerPort, partitions, Map.of());
    }

    /** The same, with {@code extra} broker properties appended (they override the defaults), e.g. message.max.bytes. */
    static LocalBroker start(KafkaRuntime runtime, DataDir dataDir, int port, int controllerPort, int partitions,
                             Map<String, String> extra) {
        Path home = dataDir.kafka();
        Path logDir = home.resolve("data");
        Path config = home.resolve("broker.properties");
        try {
            Files.createDirectories(home);
            StringBuilder text = new StringBuilder(properties(logDir, port, controllerPort, partitions));
            extra.forEach((key, value) -> text.append(key).append('=').append(value).append(System.lineSeparator()));
            Files.writeString(config, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw StackFailure.environment("Cannot write the broker config " + config + ": " + e.getMessage());
        }
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(runtime, dataDir, config);
        }
        ChildProcess process = ChildProcess.start("Kafka broker",
            runtime.command("kafka.Kafka", "1g", List.of(config.toString())), home, Map.of(),
            dataDir.logs().resolve("kafka.log"));
        dataDir.recordChild(ROLE, process.pid());
        return new LocalBroker(process, port);
    }

    private static void format(KafkaRuntime runtime, DataDir dataDir, Path config) {
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

    private static String properties(Path logDir, int port, int controllerPort, int partitions) {
        return String.join(System.lineSeparator(),
            "# Written by durastash-local on every start (the ports may change); storage formatted once.",
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

    String bootstrap() {
        return "localhost:" + port;
    }

    ChildProcess process() {
        return process;
    }
}
