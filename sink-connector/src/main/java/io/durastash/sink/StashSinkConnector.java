package io.durastash.sink;

import io.durastash.connect.HeaderBytes;
import io.durastash.connect.StashOwners;
import io.durastash.connect.TaskConfigs;
import io.durastash.stash.SinkLedger;
import io.durastash.stash.StashRegistry;
import io.durastash.stash.Version;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Consumes input topics into the durable stash that {@code StashSourceConnector} drains. Both connectors must ship
 * in one plugin so that they share the JVM-wide stash registry.
 */
public class StashSinkConnector extends SinkConnector {
    private static final Logger log = LoggerFactory.getLogger(StashSinkConnector.class);

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        StashSinkConfig config = new StashSinkConfig(props);
        this.props = Map.copyOf(props);
        log.info("Starting sink connector {} on stash {}", config.connectorName(), config.stashPath());
        HeaderBytes.problem(props).ifPresent(problem -> log.warn("Connector {}: {}", props.get("name"), problem));
    }

    @Override
    public Class<? extends Task> taskClass() {
        return StashSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return TaskConfigs.copies(props, maxTasks);
    }

    @Override
    public void stop() {
        log.info("Stopped sink connector {}", props == null ? null : props.get(StashSinkConfig.CONNECTOR_NAME_CONFIG));
    }

    @Override
    public ConfigDef config() {
        return StashSinkConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return StashSinkConfig.validate(connectorConfigs);
    }

    /**
     * Carries a deliberate offset change (PATCH or DELETE {@code /connectors/{name}/offsets}) into the stash, whose
     * stashed offsets would otherwise make the tasks skip the records to reprocess as redeliveries: every partition named
     * starts a new run, so its records are stashed again from the new offset and what the stash held of it from before
     * is not delivered. A reset (DELETE, which names every partition with a committed offset, all null, or none) does so
     * for every partition of this connector, including those stashed but never committed. Idempotent, as the runtime
     * requires.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<TopicPartition, Long> offsets) {
        StashSinkConfig config = new StashSinkConfig(connectorConfig);
        String name = config.connectorName();
        if (name == null) {
            throw new ConnectException("Cannot alter the stashed offsets: the connector config has no 'name'");
        }
        for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
            Long offset = e.getValue();
            if (offset != null && offset < 0) {
                throw new ConnectException("Cannot set the offset of " + e.getKey() + " to " + offset
                    + ": offsets of a sink connector are the next record to consume, 0 or more");
            }
        }
        Path path = config.stashPath();
        if (!Files.isDirectory(path)) {
            log.info("Connector {}: no stash at {} on this worker, so no stashed offsets to alter", name, path);
            return true;
        }
        StashOwners.refusal(path, StashOwners.Role.SINK, name).ifPresent(refusal -> {
            throw new ConnectException("Cannot alter the stashed offsets: " + refusal);
        });
        try (StashRegistry.Lease lease = StashRegistry.jvm().acquire(path, config.stashOptions())) {
            SinkLedger ledger = lease.stash().ledger(name);
            Set<TopicPartition> partitions = new HashSet<>(offsets.keySet());
            if (isReset(offsets)) {
                partitions.addAll(ledger.stashedOffsets().keySet());
                partitions.addAll(ledger.runStarts().keySet());
            }
            long run = ledger.startRuns(partitions);
            ledger.sync();
            log.info("Connector {}: offsets altered; stash {} starts new runs of {} at batch {}: their records are "
                + "stashed again from the new offsets", name, path, partitions, run);
        }
        return true;
    }

    /** All null (or empty): what DELETE passes, whose group offsets all go away. */
    private static boolean isReset(Map<TopicPartition, Long> offsets) {
        for (Long offset : offsets.values()) {
            if (offset != null) {
                return false;
            }
        }
        return true;
    }
}
