package io.durastash.rest;

import io.durastash.sink.placement.SinkGroups;
import io.durastash.stash.StashRegistry;
import io.durastash.stash.Version;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * A Connect REST extension (KIP-285) that adds {@code GET /durastash/stashes} to the worker's REST API: the health of
 * every stash open in this worker. Enable it on every worker with
 * {@code rest.extension.classes=io.durastash.rest.StashHealthExtension}; it ships in the connectors' plugin, so it
 * sees their stash registry.
 *
 * <p>Connect configures each extension with all the worker's properties, its own keys included. Those keys start with
 * {@code durastash.}, not {@code rest.}: Strimzi ignores {@code rest.} keys in a KafkaConnect's {@code config}.
 */
public final class StashHealthExtension implements ConnectRestExtension {
    /** Worker property: how long a stash may hold data with no drainer in this worker before NO_DRAINER is reported. */
    public static final String NO_DRAINER_AFTER_MS_CONFIG = "durastash.health.no.drainer.after.ms";
    /**
     * Worker property: how much the endpoint tells, {@code summary} (default: each stash by name with its status and
     * problems) or {@code full} (also the stash directories, free disk bytes and consumer group ids).
     */
    public static final String DETAIL_CONFIG = HealthDetail.CONFIG;
    private static final Logger log = LoggerFactory.getLogger(StashHealthExtension.class);

    private long noDrainerAfterMs = StashHealth.NO_DRAINER_AFTER_MS;
    private HealthDetail detail = HealthDetail.DEFAULT;

    /**
     * Reads {@value #NO_DRAINER_AFTER_MS_CONFIG} (default one minute) and {@value #DETAIL_CONFIG} (default
     * {@code summary}) from the worker properties.
     */
    @Override
    public void configure(Map<String, ?> configs) {
        detail = HealthDetail.parse(configs.get(DETAIL_CONFIG));
        Object value = configs.get(NO_DRAINER_AFTER_MS_CONFIG);
        if (value == null) {
            return;
        }
        try {
            noDrainerAfterMs = Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            noDrainerAfterMs = -1;
        }
        if (noDrainerAfterMs < 0) {
            throw new ConfigException(NO_DRAINER_AFTER_MS_CONFIG, value, "must be a number of milliseconds, 0 or more "
                + "(default " + StashHealth.NO_DRAINER_AFTER_MS + "): how long a stash may hold data with no drainer "
                + "before the worker reports NO_DRAINER");
        }
    }

    @Override
    public void register(ConnectRestExtensionContext context) {
        context.configurable().register(resource(StashRegistry.jvm(), SinkGroups.jvm()));
        log.info("DuraStash stash health is at GET /durastash/stashes ({}={}{})", DETAIL_CONFIG, detail.configValue(),
            detail == HealthDetail.FULL ? ": stash directories, free disk bytes and consumer group ids of every "
                + "connector here are shown to whoever reaches the REST port" : "");
    }

    /** The resource as configured, on {@code registry} and {@code sinkGroups}. */
    StashHealthResource resource(StashRegistry registry, SinkGroups sinkGroups) {
        return new StashHealthResource(registry, sinkGroups, noDrainerAfterMs, detail);
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void close() {
        // Holds nothing: the stashes belong to the tasks.
    }
}
