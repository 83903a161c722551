package io.durastash.integration;

import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness itself, without the connectors: a 1-worker cluster starts, numbered records go in and come back
 * out exactly once and in order. If this fails, no other integration test can be trusted.
 */
@Tag("integration")
class EmbeddedClusterSmokeTest {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedClusterSmokeTest.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final ConnectClusterFixture CLUSTER = ConnectClusterFixture.builder("smoke").workers(1).build();

    @Test
    void numberedRecordsComeBackExactlyOnceAndInOrder() throws InterruptedException {
        log.info("Cluster startup took {} ms", CLUSTER.startupTime().toMillis());
        NumberedRecords input = NumberedRecords.of("smoke-numbered", 3, 1_000);
        CLUSTER.createTopic(input.topic(), input.partitions());

        input.produceTo(CLUSTER.kafka());

        SequenceCheck check = TopicReader.of(CLUSTER.kafka(), input.topic())
            .isolation(IsolationLevel.READ_COMMITTED)
            .readInto(SequenceCheck.of(input), READ_TIMEOUT);
        check.assertExactlyOnce();
        assertEquals(1_000, check.records());
    }

    @Test
    void numbersInHeadersWork() throws InterruptedException {
        NumberedRecords input = NumberedRecords.of("smoke-headers", 2, 100).numberedIn(NumberedRecords.Carrier.HEADER);
        CLUSTER.createTopic(input.topic(), input.partitions());

        input.produceTo(CLUSTER.kafka());

        TopicReader.of(CLUSTER.kafka(), input.topic()).readInto(SequenceCheck.of(input), READ_TIMEOUT)
            .assertExactlyOnce();
    }

    @Test
    void workerFindsTheConnectorsOnTheClasspath() {
        List<String> classes = CLUSTER.connectorPlugins().stream().map(ConnectClusterFixture.ConnectorPlugin::className)
            .toList();
        assertTrue(classes.contains("io.durastash.sink.StashSinkConnector"), "sink connector not found: " + classes);
        assertTrue(classes.contains("io.durastash.source.StashSourceConnector"),
            "source connector not found: " + classes);
    }
}
