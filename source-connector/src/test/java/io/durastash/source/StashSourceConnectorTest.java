package io.durastash.source;

import io.durastash.stash.Version;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceTask;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StashSourceConnectorTest {
    private static final String STASH_ID = "0c5e7f0e-7a43-4b9e-9d6f-2f1f8c0f8a11";
    private final StashSourceConnector connector = new StashSourceConnector();

    private static Map<String, String> props(String... pairs) {
        Map<String, String> props = StashSourceConfigTest.minimal();
        props.put(StashSourceConfig.TOPIC_CONFIG, "${topic}.buffered");
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return props;
    }

    private Map<String, List<String>> errors(Map<String, String> props) {
        Config config = connector.validate(props);
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue value : config.configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        return errors;
    }

    @Test
    void aValidConfigHasNoErrors() {
        assertEquals(Map.of(), errors(props()));
        assertEquals(Map.of(), errors(props("transaction.boundary", "connector", "exactly.once.support", "required")));
        assertEquals(Map.of(), errors(props("transaction.boundary", "poll")));
        assertEquals(Map.of(), errors(props("transaction.boundary", "interval", "exactly.once.support", "requested")));
        assertEquals(Map.of(), errors(props("offsets.storage.topic", "connect-offsets")));
    }

    @Test
    void anOutputTopicThatIsItsInputTopicOnTheSameClusterIsRejectedNamingBothKeys() {
        List<String> loop = errors(props("topic", "${topic}")).get("topic");
        assertEquals(1, loop.size(), String.valueOf(loop));
        assertTrue(loop.get(0).contains("in a loop") && loop.get(0).contains("producer.override.bootstrap.servers"), loop.get(0));
        assertEquals(Map.of(), errors(props("topic", "${topic}", "producer.override.bootstrap.servers", "other:9092")),
            "on another cluster, the same name is another topic");
    }

    @Test
    void connectorTransactionBoundariesRequireExactlyOnceSupport() {
        for (Map<String, String> props : List.of(
            props("transaction.boundary", "connector"),
            props("transaction.boundary", " CONNECTOR ", "exactly.once.support", "requested"))) {
            Map<String, List<String>> errors = errors(props);
            assertEquals(List.of("transaction.boundary"), List.copyOf(errors.keySet()), props.toString());
            String message = errors.get("transaction.boundary").get(0);
            assertTrue(message.contains("exactly.once.support=required"), message);
        }
        assertEquals(Map.of(), errors(props("transaction.boundary", "Connector", "exactly.once.support", "REQUIRED")));
        assertEquals("connector", SourceTask.TransactionBoundary.CONNECTOR.toString());
    }

    @Test
    void aTransactionMayGatherBatchesForLessThanHalfItsTimeout() {
        for (Map<String, String> props : List.of(
            props("transaction.max.ms", "2000", "producer.override.transaction.timeout.ms", "3000"),
            props("producer.override.transaction.timeout.ms", "150"))) {
            Map<String, List<String>> errors = errors(props);
            assertEquals(List.of("transaction.max.ms"), List.copyOf(errors.keySet()), props.toString());
            String message = errors.get("transaction.max.ms").get(0);
            assertTrue(message.contains("producer.override.transaction.timeout.ms") && message.contains("below"), message);
        }
        assertEquals(Map.of(), errors(props("transaction.max.ms", "1000", "producer.override.transaction.timeout.ms",
            "3000")));
        assertEquals(Map.of(), errors(props("transaction.max.ms", "10000")), "the default timeout is 30 s");
    }

    @Test
    void aTopicTemplateThatYieldsAnInvalidTopicNameIsRejected() {
        for (String template : List.of("bad topic", "${topic}/x", "${partition}", "x".repeat(250))) {
            Map<String, List<String>> errors = errors(props("topic", template));
            assertEquals(List.of("topic"), List.copyOf(errors.keySet()), template);
        }
    }

    @Test
    void theOutputTopicMayNotBeTheOffsetsTopic() {
        Map<String, List<String>> errors = errors(props("topic", "my-offsets", "offsets.storage.topic", "my-offsets"));
        assertEquals(List.of("topic"), List.copyOf(errors.keySet()));
        assertTrue(errors.get("topic").get(0).contains("offsets.storage.topic"));
        assertEquals(Map.of(), errors(props("topic", "${topic}.buffered", "offsets.storage.topic", "my-offsets")));
    }

    @Test
    void allErrorsAreReportedTogether() {
        Map<String, List<String>> errors = errors(props("transaction.boundary", "connector", "poll.max.records", "0",
            "topic", "a b"));
        assertEquals(3, errors.size(), errors.toString());
    }

    @Test
    void supportsExactlyOnceAndDefinesTransactionBoundaries() {
        assertEquals(ExactlyOnceSupport.SUPPORTED, connector.exactlyOnceSupport(props()));
        assertEquals(ConnectorTransactionBoundaries.SUPPORTED, connector.canDefineTransactionBoundaries(props()));
    }

    @Test
    void givesEveryTaskTheConnectorConfig() {
        Map<String, String> props = props("topic", "out");
        connector.start(props);
        List<Map<String, String>> configs = connector.taskConfigs(3);
        assertEquals(3, configs.size());
        configs.forEach(c -> assertEquals(props, c));
        assertNotSame(configs.get(0), configs.get(1));
        assertEquals(StashSourceTask.class, connector.taskClass());
        assertEquals(StashSourceConfig.configDef(), connector.config());
        assertEquals(Version.get(), connector.version());
        connector.stop();
    }

    @Test
    void startRejectsAnInvalidConfig() {
        assertThrows(ConfigException.class, () -> connector.start(props("poll.max.records", "0")));
    }

    @Test
    void alterOffsetsAcceptsStashPositionsAndResets() {
        Map<Map<String, ?>, Map<String, ?>> offsets = new HashMap<>();
        offsets.put(Map.of("stash", STASH_ID), Map.of("batch", 12, "index", 0));
        assertTrue(connector.alterOffsets(props(), offsets));
        offsets.put(Map.of("stash", STASH_ID), Map.of("batch", Long.MAX_VALUE, "index", (long) Integer.MAX_VALUE));
        assertTrue(connector.alterOffsets(props(), offsets));
        offsets.put(Map.of("stash", STASH_ID), null);
        assertTrue(connector.alterOffsets(props(), offsets), "null resets");
        assertTrue(connector.alterOffsets(props(), Map.of()));
    }

    @Test
    void alterOffsetsRejectsMalformedOffsetsClearly() {
        Map<String, ?> good = Map.of("batch", 1, "index", 0);
        assertRejected(Map.of("topic", "x"), good, "stash");
        assertRejected(Map.of("stash", "not-a-uuid"), good, "not a stash id");
        assertRejected(Map.of("stash", 7), good, "stash");
        assertRejected(Map.of("stash", STASH_ID, "extra", "x"), good, "stash");
        assertRejected(Map.of("stash", STASH_ID), Map.of("batch", 1), "exactly the keys");
        assertRejected(Map.of("stash", STASH_ID), Map.of("batch", 1, "index", 0, "x", 1), "exactly the keys");
        assertRejected(Map.of("stash", STASH_ID), Map.of("batch", 0, "index", 0), "'batch' must be between 1");
        assertRejected(Map.of("stash", STASH_ID), Map.of("batch", 1, "index", -1), "'index' must be between 0");
        assertRejected(Map.of("stash", STASH_ID), Map.of("batch", 1, "index", 1L + Integer.MAX_VALUE), "'index' must be between");
        assertRejected(Map.of("stash", STASH_ID), Map.of("batch", "1", "index", 0), "'batch' must be an integer");
        assertRejected(Map.of("stash", STASH_ID), Map.of("batch", 1.5, "index", 0), "'batch' must be an integer");
        Map<String, Object> nullIndex = new HashMap<>();
        nullIndex.put("batch", 1);
        nullIndex.put("index", null);
        assertRejected(Map.of("stash", STASH_ID), nullIndex, "'index' must be an integer, not null");
    }

    private void assertRejected(Map<String, ?> partition, Map<String, ?> offset, String expected) {
        Map<Map<String, ?>, Map<String, ?>> offsets = new HashMap<>();
        offsets.put(partition, offset);
        ConnectException e = assertThrows(ConnectException.class, () -> connector.alterOffsets(props(), offsets));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void isFoundByServiceLoading() {
        boolean found = ServiceLoader.load(SourceConnector.class).stream()
            .anyMatch(p -> p.type().equals(StashSourceConnector.class));
        assertTrue(found);
    }
}
