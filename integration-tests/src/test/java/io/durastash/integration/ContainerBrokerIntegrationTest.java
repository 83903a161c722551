package io.durastash.integration;

import io.durastash.testkit.KafkaCluster;
import io.durastash.testkit.connect.ConnectorConfig;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.Produced;
import io.durastash.testkit.records.RecordLoad;
import io.durastash.testkit.records.TopicReader;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
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
        String topic = "container-in";
        String bootstrap = KAFKA.getBootstrapServers();
        Connect<StandaloneHerder> worker = new ConnectStandalone().startConnect(workerProps(bootstrap));
        try (KafkaCluster kafka = KafkaCluster.connect(bootstrap, TIMEOUT, () -> { }, () -> "")) {
            kafka.ensureTopic(topic, 3);
            kafka.ensureTopic(Pipeline.out(topic), 3);
            Pipeline pipeline = Pipeline.of("container", dir.resolve("stash"), topic).with(pair -> pair.tasks(1, 1));
            deploy(worker, pipeline.pair().sink());
            deploy(worker, pipeline.pair().source());

            Produced produced = RecordLoad.produce(kafka, topic, NumberedRecords.of(topic).varied(), 20_000);

            TopicReader.of(bootstrap, Pipeline.out(topic)).check(produced.expected(), TIMEOUT).requireExactlyOnce();
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

    private static void deploy(Connect<StandaloneHerder> worker, ConnectorConfig connector) throws Exception {
        Map<String, String> config = new HashMap<>(connector.config());
        config.put("name", connector.name());
        FutureCallback<Herder.Created<ConnectorInfo>> created = new FutureCallback<>();
        worker.herder().putConnectorConfig(connector.name(), config, false, created);
        created.get(60, TimeUnit.SECONDS);
    }
}
