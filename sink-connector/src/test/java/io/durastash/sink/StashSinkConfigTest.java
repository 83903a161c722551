package io.durastash.sink;

import io.durastash.connect.StashOwners;
import io.durastash.connect.StashRoots;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StashSinkConfigTest {
    private static Map<String, String> minimal() {
        Map<String, String> props = new HashMap<>();
        props.put("name", "sink");
        props.put("stash.dir", "/var/lib/durastash");
        return props;
    }

    @Test
    void defaults() {
        StashSinkConfig config = new StashSinkConfig(minimal());
        assertEquals("sink", config.connectorName());
        assertEquals(Path.of("/var/lib/durastash/default"), config.stashPath());
        assertEquals(10L * 1024 * 1024 * 1024, config.maxBytes());
        assertEquals(80, config.resumePercent());
        assertTrue(config.sync());
        assertEquals(GroupBy.TOPIC, config.groupBy());
        assertNull(config.groupByHeader());
        assertEquals(64L * 1024 * 1024, config.stashOptions().memoryBytes());
    }

    @Test
    void typedAccessors() {
        Map<String, String> props = minimal();
        props.put("stash.name", "eu-orders");
        props.put("stash.max.bytes", String.valueOf(1024 * 1024));
        props.put("stash.resume.percent", "50");
        props.put("stash.sync", "false");
        props.put("group.by", " HEADER ");
        props.put("group.by.header", "tenant");
        StashSinkConfig config = new StashSinkConfig(props);
        assertEquals(Path.of("/var/lib/durastash/eu-orders"), config.stashPath());
        assertEquals(1024 * 1024, config.maxBytes());
        assertEquals(50, config.resumePercent());
        assertFalse(config.sync());
        assertEquals(GroupBy.HEADER, config.groupBy());
        assertEquals("tenant", config.groupByHeader());
        assertEquals("header tenant", config.grouping().toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "stash.dir|''",
        "stash.name|../etc",
        "stash.name|a/b",
        "stash.memory.bytes|1024",
        "stash.max.bytes|1048575",
        "stash.max.bytes|lots",
        "stash.resume.percent|0",
        "stash.resume.percent|100",
        "stash.sync|maybe",
        "group.by|partition",
        "group.by.header|''",
    })
    void everyValidatorRejectsBadValuesNamingTheKey(String key, String value) {
        Map<String, String> props = minimal();
        props.put(key, value);
        ConfigException e = assertThrows(ConfigException.class, () -> new StashSinkConfig(props));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertFalse(StashSinkConfig.validate(props).configValues().stream()
            .filter(v -> v.name().equals(key)).findFirst().orElseThrow().errorMessages().isEmpty(), key);
    }

    @Test
    void missingStashDirIsRejected() {
        Map<String, String> props = minimal();
        props.remove("stash.dir");
        ConfigException e = assertThrows(ConfigException.class, () -> new StashSinkConfig(props));
        assertTrue(e.getMessage().contains("stash.dir"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"header,", "topic,tenant", "none,tenant"})
    void constructorRejectsBadCombinationsNamingTheKey(String groupBy, String header) {
        Map<String, String> props = minimal();
        props.put("group.by", groupBy);
        if (header != null) {
            props.put("group.by.header", header);
        }
        ConfigException e = assertThrows(ConfigException.class, () -> new StashSinkConfig(props));
        assertTrue(e.getMessage().contains("group.by.header"), e.getMessage());
    }

    @Test
    void aVolumeNoLargerThanTheFloorIsRejectedNamingBothKeys() {
        Map<String, String> props = minimal();
        props.put("stash.volume.bytes", "268435456");
        props.put("stash.min.free.bytes", "268435456");
        ConfigException e = assertThrows(ConfigException.class, () -> new StashSinkConfig(props));
        assertTrue(e.getMessage().contains("stash.volume.bytes") && e.getMessage().contains("stash.min.free.bytes"),
            e.getMessage());
        assertFalse(StashSinkConfig.validate(props).configValues().stream()
            .filter(v -> v.name().equals("stash.volume.bytes")).findFirst().orElseThrow().errorMessages().isEmpty());
        props.put("stash.volume.bytes", "1073741824");
        assertEquals(1073741824L, new StashSinkConfig(props).volumeBytes());
    }

    @Test
    void aStashOwnedByAnotherSinkIsRefusedOnStashName(@TempDir Path dir) {
        Path stash = dir.resolve("orders");
        StashOwners.write(createdDirectory(stash), new StashOwners.Owners("orders-sink", "orders-source"));
        Map<String, String> props = minimal();
        props.put("stash.dir", dir.toString());
        props.put("stash.name", "orders");
        props.put("name", "intruder");
        List<String> errors = errorsOf(props, "stash.name");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("belongs to the pair sink 'orders-sink' and source 'orders-source'"), errors.get(0));
        props.put("name", "orders-sink");
        assertEquals(List.of(), errorsOf(props, "stash.name"));
    }

    @Test
    void aStashOutsideTheWorkersRootsIsRefusedOnStashDir(@TempDir Path dir) {
        System.setProperty(StashRoots.PROPERTY, dir.resolve("stashes").toString());
        try {
            Map<String, String> props = minimal();
            props.put("stash.dir", dir.resolve("elsewhere").toString());
            List<String> errors = errorsOf(props, "stash.dir");
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(errors.get(0).contains("outside the directories this worker allows"), errors.get(0));
            ConfigException e = assertThrows(ConfigException.class, () -> new StashSinkConfig(props).stashPath());
            assertTrue(e.getMessage().contains("stash.dir"), e.getMessage());
            props.put("stash.dir", dir.resolve("stashes").resolve("team-a").toString());
            assertEquals(List.of(), errorsOf(props, "stash.dir"));
        } finally {
            System.clearProperty(StashRoots.PROPERTY);
        }
    }

    private static Path createdDirectory(Path path) {
        try {
            return java.nio.file.Files.createDirectories(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> errorsOf(Map<String, String> props, String key) {
        return StashSinkConfig.validate(props).configValues().stream().filter(v -> v.name().equals(key)).findFirst()
            .orElseThrow().errorMessages();
    }

    @Test
    void everyKeyIsDocumentedAndPlacedInAGroup() {
        for (ConfigDef.ConfigKey key : StashSinkConfig.CONFIG_DEF.configKeys().values()) {
            assertNotNull(key.documentation, key.name);
            assertFalse(key.documentation.isBlank(), key.name);
            assertNotNull(key.group, key.name);
            assertTrue(key.orderInGroup > 0, key.name);
            assertNotNull(key.displayName, key.name);
            assertNotNull(key.width, key.name);
            if (!key.type.equals(ConfigDef.Type.BOOLEAN)) {
                assertNotNull(key.validator, key.name);
            }
        }
        assertEquals(11, StashSinkConfig.CONFIG_DEF.configKeys().size());
        assertTrue(StashSinkConfig.CONFIG_DEF.toEnrichedRst().contains("stash.resume.percent"));
    }
}
