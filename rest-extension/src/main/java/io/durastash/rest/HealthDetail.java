package io.durastash.rest;

import org.apache.kafka.common.config.ConfigException;

import java.nio.file.Path;
import java.util.Locale;

/**
 * How much {@code GET /durastash/stashes} tells, set by the worker property {@value #CONFIG}. The endpoint answers
 * whoever reaches the worker's REST port, and it reports every connector's stashes on the worker. A per-connector
 * authorization policy for {@code /connectors/...} does not cover it, so by default it leaves out where other tenants'
 * data lies.
 */
enum HealthDetail {
    /**
     * What an operator acts on: each stash by name and id, its status, its problems with their fixes, its counters, and
     * whether a sink writes to it and a source drains it. No directory, free disk bytes or consumer group id. A fix
     * that needs the stash's directory says {@code <stash>}, as the REFUSED and QUARANTINE fixes always have.
     */
    SUMMARY,
    /** Also each stash's directory, the free bytes on its filesystem and the consumer groups of its sinks. */
    FULL;

    /** Worker property: how much the endpoint tells, {@code summary} or {@code full}. */
    static final String CONFIG = "durastash.health.detail";
    static final HealthDetail DEFAULT = SUMMARY;
    /** What stands for the stash's directory in a summary's problems. */
    static final String STASH_PLACEHOLDER = "<stash>";

    /** The value of {@value #CONFIG} that selects this view. */
    String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads {@value #CONFIG}: {@link #DEFAULT} when {@code value} is null, either name in any case otherwise.
     *
     * @throws ConfigException naming the key and the values it takes
     */
    static HealthDetail parse(Object value) {
        if (value == null) {
            return DEFAULT;
        }
        String text = value.toString().trim();
        for (HealthDetail detail : values()) {
            if (detail.configValue().equalsIgnoreCase(text)) {
                return detail;
            }
        }
        throw new ConfigException(CONFIG, value, "must be 'summary' or 'full' (default 'summary'). 'summary' reports "
            + "each stash by name with its status and problems, 'full' adds the stash directories, free disk bytes and "
            + "consumer group ids of every connector on the worker, to whoever can reach its REST port");
    }

    /** A problem's text as this view shows it: in a summary, {@code stash}'s directory is {@code <stash>} in it. */
    String problem(String text, Path stash) {
        return this == FULL ? text : text.replace(stash.toString(), STASH_PLACEHOLDER);
    }
}
