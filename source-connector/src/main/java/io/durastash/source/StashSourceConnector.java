package io.durastash.source;

import io.durastash.connect.HeaderBytes;
import io.durastash.connect.TaskConfigs;
import io.durastash.stash.Version;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drains a DuraStash stash into Kafka topics. Every task drains the stash of the worker it runs on; one task
 * per stash drains at a time and the others stand by. Supports exactly-once delivery, with one Kafka
 * transaction per stash batch when {@code transaction.boundary=connector}.
 */
public class StashSourceConnector extends SourceConnector {
    private static final Logger log = LoggerFactory.getLogger(StashSourceConnector.class);

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        StashSourceConfig config = new StashSourceConfig(props);
        this.props = new HashMap<>(props);
        log.info("Starting DuraStash source connector {} ({}) on stash {}", props.get("name"), version(), config.stashPath());
        HeaderBytes.problem(props).ifPresent(problem -> log.warn("Connector {}: {}", props.get("name"), problem));
    }

    @Override
    public Class<? extends Task> taskClass() {
        return StashSourceTask.class;
    }

    /** Every task gets the same config: each drains its worker's stash, or stands by if another task does. */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return TaskConfigs.copies(props, maxTasks);
    }

    @Override
    public void stop() {
        log.info("Stopping DuraStash source connector {}", props == null ? null : props.get("name"));
    }

    @Override
    public ConfigDef config() {
        return StashSourceConfig.configDef();
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return StashSourceConfig.validate(connectorConfigs);
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
        return ConnectorTransactionBoundaries.SUPPORTED;
    }

    /**
     * Accepts offsets of the form this connector writes: partition {@code {"stash": "<uuid>"}}, offset
     * {@code {"batch": <id from 1>, "index": <index from 0>}} or null to reset. The stash itself is not touched:
     * the next drainer acknowledges batches up to the new offset without emitting them, and emits the rest.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        for (Map.Entry<Map<String, ?>, Map<String, ?>> entry : offsets.entrySet()) {
            SourceOffsets.checkPartition(entry.getKey());
            try {
                SourceOffsets.position(entry.getValue());
            } catch (ConnectException e) {
                throw new ConnectException("Offset for source partition " + entry.getKey() + " rejected. " + e.getMessage(), e);
            }
        }
        return true;
    }
}
