package io.durastash.sink;

import io.durastash.sink.SinkFixture.Started;
import io.durastash.stash.StashRegistry;
import io.durastash.stash.Version;
import io.durastash.sink.placement.DrainerAssignor;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static io.durastash.sink.SinkFixture.bytesRecord;
import static io.durastash.sink.SinkFixture.positions;
import static io.durastash.sink.SinkFixture.records;
import static io.durastash.sink.SinkFixture.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StashSinkConnectorTest {
    private static final TopicPartition ORDERS_0 = tp("orders", 0);
    private static final TopicPartition ORDERS_1 = tp("orders", 1);
    private static final List<SinkRecord> POLL = List.of(
        bytesRecord("orders", 0, 0, "a", "1"), bytesRecord("orders", 0, 1, "b", "2"), bytesRecord("orders", 0, 2, "c", "3"),
        bytesRecord("orders", 1, 0, "d", "4"));

    @TempDir
    Path dir;
    private SinkFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new SinkFixture(dir);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void taskConfigsCarryTheConnectorName() {
        StashSinkConnector connector = new StashSinkConnector();
        connector.start(fixture.props);
        List<Map<String, String>> configs = connector.taskConfigs(3);
        assertEquals(3, configs.size());
        configs.forEach(c -> assertEquals(fixture.props, c));
        assertEquals(SinkFixture.CONNECTOR, configs.get(0).get("name"));
        assertEquals(StashSinkTask.class, connector.taskClass());
        assertEquals(Version.get(), connector.version());
        assertEquals(Version.get(), new StashSinkTask().version());
        connector.stop();
    }

    @Test
    void isFoundByServiceLoader() {
        boolean found = ServiceLoader.load(SinkConnector.class).stream()
            .anyMatch(p -> p.type() == StashSinkConnector.class);
        assertTrue(found, "META-INF/services lists StashSinkConnector");
    }

    @Test
    void resetThroughAlterOffsetsLeadsToReprocessing() {
        Started first = fixture.start(null, ORDERS_0, ORDERS_1);
        first.task().put(POLL);
        first.task().stop();

        // DELETE /connectors/{name}/offsets: the runtime names every committed partition, all null. orders-1 was
        // stashed but never committed, so it is not named, and must be forgotten all the same.
        assertTrue(new StashSinkConnector().alterOffsets(fixture.props, nullOffsets(ORDERS_0)));
        assertEquals(Map.of(), fixture.stash().ledger(SinkFixture.CONNECTOR).stashedOffsets());

        Started second = fixture.start(null, ORDERS_0, ORDERS_1);
        second.task().put(POLL);
        assertEquals(List.of("orders-0@0", "orders-0@1", "orders-0@2", "orders-1@0"),
            positions(records(fixture.claimAll())), "stashed again, and delivered once: the first copies are not");
    }

    @Test
    void alteringOffsetsReprocessesFromTheNewOffset() {
        Started first = fixture.start(null, ORDERS_0, ORDERS_1);
        first.task().put(POLL);
        first.task().stop();

        // PATCH: orders-0 from offset 1 again, orders-1 untouched.
        StashSinkConnector connector = new StashSinkConnector();
        assertTrue(connector.alterOffsets(fixture.props, Map.of(ORDERS_0, 1L)));
        assertTrue(connector.alterOffsets(fixture.props, Map.of(ORDERS_0, 1L)), "idempotent");
        assertEquals(Map.of(ORDERS_1, 0L), fixture.stash().ledger(SinkFixture.CONNECTOR).stashedOffsets(),
            "orders-0 starts a new run");

        fixture.committed.put(ORDERS_0, new OffsetAndMetadata(1)); // as the runtime writes it, without the sink's metadata
        Started second = fixture.start(null, ORDERS_0, ORDERS_1);
        second.task().put(POLL.subList(1, POLL.size()));
        assertEquals(List.of("orders-1@0", "orders-0@1", "orders-0@2"), positions(records(fixture.claimAll())),
            "orders-0 from the new offset, orders-1 once");
    }

    @Test
    void resettingOnePartitionAmongOthersForgetsOnlyIt() {
        Started first = fixture.start(null, ORDERS_0, ORDERS_1);
        first.task().put(POLL);
        first.task().stop();

        assertTrue(new StashSinkConnector().alterOffsets(fixture.props, Map.of(ORDERS_1, 5L)));
        assertEquals(Map.of(ORDERS_0, 2L), fixture.stash().ledger(SinkFixture.CONNECTOR).stashedOffsets());
    }

    @Test
    void alterOffsetsDoesNotCreateAStashWhereThereIsNone() {
        assertTrue(new StashSinkConnector().alterOffsets(fixture.props, Map.of(ORDERS_0, 5L)));
        assertFalse(Files.exists(fixture.stashPath()));
        assertEquals(0, StashRegistry.jvm().holders(fixture.stashPath()));
    }

    @Test
    void alterOffsetsRejectsNegativeOffsets() {
        ConnectException e = assertThrows(ConnectException.class,
            () -> new StashSinkConnector().alterOffsets(fixture.props, Map.of(ORDERS_0, -2L)));
        assertTrue(e.getMessage().contains("orders-0"), e.getMessage());
    }

    @Test
    void alterOffsetsReleasesItsLease() {
        fixture.start(null, ORDERS_0).task().stop();
        new StashSinkConnector().alterOffsets(fixture.props, Map.of(ORDERS_0, 0L));
        assertEquals(0, StashRegistry.jvm().holders(fixture.stashPath()));
    }

    /** The fixture's config as a user posts it: with the assignor the connector requires. */
    private Map<String, String> posted() {
        Map<String, String> props = new HashMap<>(fixture.props);
        props.put(StashSinkConfig.ASSIGNMENT_STRATEGY_OVERRIDE, DrainerAssignor.class.getName());
        return props;
    }

    @Test
    void validateRefusesAConfigWithoutTheAssignorAndSaysWhatToAdd() {
        Map<String, String> props = new HashMap<>(fixture.props);
        props.put(StashSinkConfig.ASSIGNMENT_STRATEGY_OVERRIDE, "org.apache.kafka.clients.consumer.RangeAssignor");
        for (Map<String, String> config : List.of(fixture.props, props)) {
            ConfigValue strategy = value(new StashSinkConnector().validate(config),
                StashSinkConfig.ASSIGNMENT_STRATEGY_OVERRIDE);
            assertEquals(1, strategy.errorMessages().size());
            assertTrue(strategy.errorMessages().get(0).contains("\"consumer.override.partition.assignment.strategy\": "
                + "\"io.durastash.sink.placement.DrainerAssignor\""), strategy.errorMessages().get(0));
        }
        props.put(StashSinkConfig.ASSIGNMENT_STRATEGY_OVERRIDE, "io.durastash.sink.placement.DrainerAssignor, "
            + "org.apache.kafka.clients.consumer.RangeAssignor");
        new StashSinkConnector().validate(props).configValues()
            .forEach(v -> assertEquals(List.of(), v.errorMessages(), v.name()));
        props.put("consumer.override.group.protocol", "consumer");
        assertTrue(value(new StashSinkConnector().validate(props), StashSinkConfig.ASSIGNMENT_STRATEGY_OVERRIDE)
            .errorMessages().get(0).contains("classic consumer group protocol"));
    }

    @Test
    void validateAcceptsAGoodConfig() {
        Map<String, String> props = posted();
        props.put("group.by", "Header");
        props.put("group.by.header", "tenant");
        Config config = new StashSinkConnector().validate(props);
        config.configValues().forEach(v -> assertEquals(List.of(), v.errorMessages(), v.name()));
        assertTrue(value(config, "group.by.header").visible());
    }

    @Test
    void validateRejectsGroupByHeaderWithoutAHeader() {
        Map<String, String> props = posted();
        props.put("group.by", "header");
        ConfigValue header = value(new StashSinkConnector().validate(props), "group.by.header");
        assertEquals(1, header.errorMessages().size());
        assertTrue(header.errorMessages().get(0).contains("Set group.by.header"), header.errorMessages().toString());

        props.put("group.by.header", "  ");
        header = value(new StashSinkConnector().validate(props), "group.by.header");
        assertEquals(1, header.errorMessages().size(), "a blank header name is no header name");
    }

    @Test
    void validateRejectsAHeaderWhenNotGroupingByHeader() {
        Map<String, String> props = posted();
        props.put("group.by.header", "tenant");
        Config config = new StashSinkConnector().validate(props);
        ConfigValue header = value(config, "group.by.header");
        assertEquals(1, header.errorMessages().size());
        assertTrue(header.errorMessages().get(0).contains("set group.by=header")
            || header.errorMessages().get(0).contains("Set group.by=header"), header.errorMessages().toString());
        assertFalse(header.visible());
        assertEquals(List.of(), value(config, "group.by").errorMessages());
    }

    @Test
    void validateReportsSingleKeyErrorsOnTheirKey() {
        Map<String, String> props = new HashMap<>(fixture.props);
        props.put("stash.max.bytes", "1000");
        props.put("stash.name", "../escape");
        props.put("group.by", "partition");
        props.put("group.by.header", "tenant");
        Config config = new StashSinkConnector().validate(props);
        assertFalse(value(config, "stash.max.bytes").errorMessages().isEmpty());
        assertFalse(value(config, "stash.name").errorMessages().isEmpty());
        assertFalse(value(config, "group.by").errorMessages().isEmpty());
        assertEquals(List.of(), value(config, "group.by.header").errorMessages(), "no combination check on a bad group.by");
    }

    @Test
    void startRejectsABadConfig() {
        Map<String, String> props = new HashMap<>(fixture.props);
        props.put("group.by", "header");
        assertThrows(org.apache.kafka.common.config.ConfigException.class, () -> new StashSinkConnector().start(props));
    }

    private static Map<TopicPartition, Long> nullOffsets(TopicPartition... partitions) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            offsets.put(partition, null);
        }
        return offsets;
    }

    private static ConfigValue value(Config config, String name) {
        return config.configValues().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }
}
