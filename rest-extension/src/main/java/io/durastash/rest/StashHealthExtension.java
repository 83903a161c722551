package io.durastash.rest;

import io.durastash.sink.placement.SinkGroups;
import io.durastash.stash.StashRegistry;
import io.durastash.stash.Version;
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
 */
public final class StashHealthExtension implements ConnectRestExtension {
    private static final Logger log = LoggerFactory.getLogger(StashHealthExtension.class);

    @Override
    public void configure(Map<String, ?> configs) {
        // Nothing to configure: it reports what this worker holds.
    }

    @Override
    public void register(ConnectRestExtensionContext context) {
        context.configurable().register(new StashHealthResource(StashRegistry.jvm(), SinkGroups.jvm()));
        log.info("DuraStash stash health is at GET /durastash/stashes");
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
