package io.durastash.integration;

import io.durastash.testkit.connect.ConnectorPlugin;
import io.durastash.testkit.embedded.EmbeddedStack;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.Produced;
import io.durastash.testkit.records.RecordLoad;
import io.durastash.testkit.records.TopicReader;
import io.durastash.testkit.records.Verdict;
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
    static final EmbeddedStack CLUSTER = EmbeddedStack.builder("smoke").workers(1).build();

    @Test
    void numberedRecordsComeBackExactlyOnceAndInOrder() {
        log.info("Cluster startup took {} ms", CLUSTER.startupTime().toMillis());
        String topic = "smoke-numbered";
        CLUSTER.createTopic(topic, 3);

        Produced produced = RecordLoad.produce(CLUSTER.kafka(), topic, NumberedRecords.of(topic), 1_000);

        Verdict verdict = TopicReader.of(CLUSTER.bootstrapServers(), topic).check(produced.expected(), READ_TIMEOUT);
        verdict.requireExactlyOnce();
        assertEquals(1_000, verdict.records());
    }

    @Test
    void numbersInHeadersWork() {
        String topic = "smoke-headers";
        CLUSTER.createTopic(topic, 2);

        Produced produced = RecordLoad.produce(CLUSTER.kafka(), topic, NumberedRecords.of(topic).varied(), 100);

        TopicReader.of(CLUSTER.bootstrapServers(), topic).check(produced.expected(), READ_TIMEOUT).requireExactlyOnce();
    }

    @Test
    void workerFindsTheConnectorsOnTheClasspath() {
        List<String> classes = CLUSTER.connectors().plugins().stream().map(ConnectorPlugin::className).toList();
        assertTrue(classes.contains("io.durastash.sink.StashSinkConnector"), "sink connector not found: " + classes);
        assertTrue(classes.contains("io.durastash.source.StashSourceConnector"),
            "source connector not found: " + classes);
    }
}
