package io.durastash.integration;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * For users with a Docker engine: the byte-exact pipeline test against a containerised Kafka broker, with
 * a standalone Connect worker in this JVM. Without Docker (as on the CI machines) JUnit reports it
 * skipped: "Docker is not available"; the in-process tests prove the same behaviour there.
 */
@Tag("integration")
@Testcontainers(disabledWithoutDocker = true)
class ContainerBrokerIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

    @TempDir
    Path dir;

    @Test
    void recordsArriveByteExactThroughAContainerisedBroker() throws Exception {
        NumberedRecords input = NumberedRecords.of("container-in", 3, 20_000).varied();
        String bootstrap = KAFKA.getBootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(input.topic(), input.partitions(), (short) 1),
                new NewTopic(Pipeline.out(input.topic()), input.partitions(), (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        Connect<StandaloneHerder> worker = new ConnectStandalone().startConnect(workerProps(bootstrap));
        try {
            Pipeline pipeline = new Pipeline("container", dir.resolve("stash"));
            deploy(worker, pipeline.sinkName(), pipeline.sinkConfig(input.topic(), 1));
            deploy(worker, pipeline.sourceName(), pipeline.sourceConfig(1));

            input.produceTo(bootstrap);

            read(bootstrap, Pipeline.out(input.topic()), SequenceCheck.of(input)).assertExactlyOnce();
        } finally {
            worker.stop();
            worker.awaitStop();
        }
    }

    private Map<String, String> workerProps(String bootstrap) {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
        props.put("listeners", "http://localhost:0");
        props.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
        props.put("offset.flush.interval.ms", "1000");
        props.put("plugin.discovery", "service_load");
        for (String converter : List.of("key.converter", "value.converter", "header.converter")) {
            props.put(converter, "org.apache.kafka.connect.converters.ByteArrayConverter");
        }
        return props;
    }

    private static void deploy(Connect<StandaloneHerder> worker, String name, Map<String, String> config)
        throws Exception {
        config.put("name", name);
        FutureCallback<org.apache.kafka.connect.runtime.Herder.Created<
            org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo>> created = new FutureCallback<>();
        worker.herder().putConnectorConfig(name, config, false, created);
        created.get(60, TimeUnit.SECONDS);
    }

    private static SequenceCheck read(String bootstrap, String topic, SequenceCheck check) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!check.complete() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(check::add);
            }
        }
        return check;
    }
}
