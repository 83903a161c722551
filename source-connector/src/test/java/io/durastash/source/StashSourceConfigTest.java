package io.durastash.source;

import io.durastash.connect.StashConnectorConfig;
import io.durastash.stash.model.StashOptions;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StashSourceConfigTest {
    static Map<String, String> minimal() {
        Map<String, String> props = new HashMap<>();
        props.put(StashConnectorConfig.STASH_DIR_CONFIG, "/var/lib/durastash");
        return props;
    }

    @Test
    void defaultsAndTypedAccessors() {
        StashSourceConfig config = new StashSourceConfig(minimal());
        assertEquals(Path.of("/var/lib/durastash", StashConnectorConfig.STASH_NAME_DEFAULT), config.stashPath());
        assertEquals(StashOptions.DEFAULT_MEMORY_BYTES, config.stashOptions().memoryBytes());
        assertEquals("${topic}", config.topic());
        assertTrue(config.preservePartition());
        assertFalse(config.provenanceHeaders());
        assertTrue(config.provenance().isEmpty());
        assertEquals("durastash.", config.provenanceHeaderPrefix());
        assertEquals(2000, config.pollMaxRecords());
        assertEquals(8L * 1024 * 1024, config.pollMaxBytes());
        assertEquals(500L, config.pollWaitMs());
        assertEquals(0L, config.loadHoldMs());
        assertEquals(100L, config.transactionMaxMs());
        assertEquals("in", config.topicTemplate().topicFor("in"));
    }

    @Test
    void readsEveryKey() {
        Map<String, String> props = minimal();
        props.put(StashConnectorConfig.STASH_NAME_CONFIG, "orders");
        props.put(StashConnectorConfig.STASH_MEMORY_BYTES_CONFIG, "8388608");
        props.put(StashSourceConfig.TOPIC_CONFIG, "${topic}.buffered");
        props.put(StashSourceConfig.PRESERVE_PARTITION_CONFIG, "false");
        props.put(StashSourceConfig.PROVENANCE_HEADERS_CONFIG, "true");
        props.put(StashSourceConfig.PROVENANCE_HEADER_PREFIX_CONFIG, "p_");
        props.put(StashSourceConfig.POLL_MAX_RECORDS_CONFIG, "10");
        props.put(StashSourceConfig.POLL_MAX_BYTES_CONFIG, "15");
        props.put(StashSourceConfig.POLL_WAIT_MS_CONFIG, "20");
        props.put(StashSourceConfig.LOAD_HOLD_MS_CONFIG, "30");
        props.put(StashSourceConfig.TRANSACTION_MAX_MS_CONFIG, "40");
        StashSourceConfig config = new StashSourceConfig(props);
        assertEquals(Path.of("/var/lib/durastash/orders"), config.stashPath());
        assertEquals(8388608L, config.stashOptions().memoryBytes());
        assertEquals("in.buffered", config.topicTemplate().topicFor("in"));
        assertFalse(config.preservePartition());
        assertTrue(config.provenance().isPresent());
        assertEquals("p_", config.provenanceHeaderPrefix());
        assertEquals(10, config.pollMaxRecords());
        assertEquals(15L, config.pollMaxBytes());
        assertEquals(20L, config.pollWaitMs());
        assertEquals(30L, config.loadHoldMs());
        assertEquals(40L, config.transactionMaxMs());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(value = {
        "stash.dir, ''",
        "stash.name, ../escape",
        "stash.name, ''",
        "stash.memory.bytes, 1024",
        "topic, ''",
        "topic, 'my topic'",
        "topic, '${topik}'",
        "topic, '..'",
        "preserve.partition, maybe",
        "preserve.partition, NULL",
        "provenance.headers, NULL",
        "provenance.header.prefix, ''",
        "poll.max.records, 0",
        "poll.max.records, many",
        "poll.max.bytes, 0",
        "poll.wait.ms, 0",
        "poll.wait.ms, 5001",
        "load.hold.ms, -1",
        "transaction.max.ms, -1",
        "transaction.max.ms, 10001",
    }, nullValues = "NULL")
    void everyValidatorRejectsBadValuesNamingTheKey(String key, String value) {
        Map<String, String> props = minimal();
        props.put(key, value);
        assertThrows(ConfigException.class, () -> new StashSourceConfig(props));

        List<ConfigValue> errors = StashSourceConfig.configDef().validate(props).stream()
            .filter(v -> !v.errorMessages().isEmpty()).toList();
        assertEquals(1, errors.size(), "one key in error: " + errors);
        assertEquals(key, errors.get(0).name());
    }

    @Test
    void aNullStashDirIsRejectedByTheConfigAndByValidate() {
        Map<String, String> props = minimal();
        props.put(StashConnectorConfig.STASH_DIR_CONFIG, null);
        ConfigException e = assertThrows(ConfigException.class, () -> new StashSourceConfig(props));
        assertTrue(e.getMessage().contains(StashConnectorConfig.STASH_DIR_CONFIG), e.getMessage());
        boolean reported = new StashSourceConnector().validate(props).configValues().stream()
            .anyMatch(v -> v.name().equals(StashConnectorConfig.STASH_DIR_CONFIG) && !v.errorMessages().isEmpty());
        assertTrue(reported, "validate() reports the null stash.dir on its key");
    }

    @Test
    void stashDirIsRequired() {
        ConfigException e = assertThrows(ConfigException.class, () -> new StashSourceConfig(Map.of()));
        assertTrue(e.getMessage().contains(StashConnectorConfig.STASH_DIR_CONFIG), e.getMessage());
    }

    @Test
    void everyKeyIsDocumentedGroupedAndValidated() {
        ConfigDef def = StashSourceConfig.configDef();
        assertSame(def, StashSourceConfig.configDef(), "built once");
        assertEquals(Set.of("stash.dir", "stash.name", "stash.memory.bytes", "topic", "preserve.partition",
            "provenance.headers", "provenance.header.prefix", "loop.header", "poll.max.records", "poll.max.bytes",
            "poll.wait.ms", "load.hold.ms", "transaction.max.ms"),
            def.names());
        for (ConfigDef.ConfigKey key : def.configKeys().values()) {
            assertNotNull(key.documentation, key.name);
            assertFalse(key.documentation.isBlank(), key.name);
            assertNotNull(key.validator, key.name);
            assertNotNull(key.group, key.name);
            assertTrue(key.orderInGroup > 0, key.name);
            assertNotNull(key.displayName, key.name);
            assertNotNull(key.width, key.name);
            assertNotNull(key.importance, key.name);
            if (!key.name.equals(StashConnectorConfig.STASH_DIR_CONFIG)) {
                assertTrue(key.hasDefault(), key.name);
            }
        }
        assertTrue(def.toEnrichedRst().contains("provenance.header.prefix"));
    }

    @Test
    void booleansRenderTheirValuesInTheReference() {
        for (String key : List.of(StashSourceConfig.PRESERVE_PARTITION_CONFIG, StashSourceConfig.PROVENANCE_HEADERS_CONFIG,
            StashSourceConfig.LOOP_HEADER_CONFIG)) {
            assertEquals("[true, false]", StashSourceConfig.configDef().configKeys().get(key).validator.toString(), key);
        }
    }
}
