package io.durastash.testkit.connect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durastash.testkit.StackFailure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A connector as users POST it to Connect: {@code {"name": ..., "config": {...}}}, read from a file such as
 * {@code config/local/durastash-sink.json} (kept as {@code file}, for messages) and changed by a run's overrides.
 * What the stack reads from it is only what it sets up around the connector: the topics, the sink's consumer group.
 */
public record ConnectorConfig(Path file, String name, Map<String, String> config) {
    public static final String SINK_CLASS = "io.durastash.sink.StashSinkConnector";
    public static final String SOURCE_CLASS = "io.durastash.source.StashSourceConnector";
    private static final String TOPIC_PLACEHOLDER = "${topic}";

    public ConnectorConfig {
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
    }

    /** A connector that no file describes (a peer a benchmark compares with). */
    public static ConnectorConfig of(String name, Map<String, String> config) {
        return new ConnectorConfig(null, name, config);
    }

    /** Reads {@code file} and checks that it configures {@code expectedClass}. */
    public static ConnectorConfig read(Path file, String expectedClass) {
        if (!Files.isRegularFile(file)) {
            throw StackFailure.environment("The connector config " + file + " is missing.");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw StackFailure.environment("The connector config " + file + " is not valid JSON: "
                + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ").");
        } catch (IOException e) {
            throw StackFailure.environment("Cannot read the connector config " + file + ": " + e.getMessage());
        }
        if (root == null || !root.path("name").isTextual() || !root.path("config").isObject()) {
            throw StackFailure.environment("The connector config " + file + " must be a JSON object with \"name\" (a "
                + "string) and \"config\" (an object of strings), as POSTed to Connect's /connectors endpoint.");
        }
        Map<String, String> config = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.get("config").properties()) {
            if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                throw StackFailure.environment("In " + file + ", \"" + field.getKey() + "\" must be a string.");
            }
            config.put(field.getKey(), field.getValue().asText());
        }
        ConnectorConfig parsed = new ConnectorConfig(file, root.get("name").asText(), config);
        if (!expectedClass.equals(parsed.connectorClass())) {
            throw StackFailure.environment("The connector config " + file + " must have \"connector.class\": \""
                + expectedClass + "\", not " + (parsed.connectorClass() == null ? "none" : "\"" + parsed.connectorClass()
                + "\"") + ".");
        }
        return parsed;
    }

    /** This connector under another name. */
    public ConnectorConfig named(String name) {
        return new ConnectorConfig(file, name, config);
    }

    /** This config with {@code key} set to {@code value}; a null value removes the key. */
    public ConnectorConfig with(String key, String value) {
        Map<String, String> changed = new LinkedHashMap<>(config);
        if (value == null) {
            changed.remove(key);
        } else {
            changed.put(key, value);
        }
        return new ConnectorConfig(file, name, changed);
    }

    /** This config with each of {@code overrides} applied as {@link #with(String, String)} does. */
    public ConnectorConfig with(Map<String, String> overrides) {
        ConnectorConfig changed = this;
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            changed = changed.with(e.getKey(), e.getValue());
        }
        return changed;
    }

    public String connectorClass() {
        return config.get("connector.class");
    }

    /** Where the config came from, for a message: " (from <file>)", or nothing. */
    public String origin() {
        return file == null ? "" : " (from " + file + ")";
    }

    /** The sink's input topics ({@code topics}); a stack creates them and does not follow topics.regex. */
    public List<String> inputTopics() {
        String topics = config.get("topics");
        if (topics == null || topics.isBlank()) {
            throw StackFailure.environment("The sink config" + origin() + " must list its input topics in \"topics\" "
                + "(the stack creates them; it does not follow \"topics.regex\").");
        }
        return Arrays.stream(topics.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }

    /** The source's output topic for records from {@code inputTopic} ({@code topic}, where ${topic} is the input topic). */
    public String outputTopic(String inputTopic) {
        return config.getOrDefault("topic", TOPIC_PLACEHOLDER).replace(TOPIC_PLACEHOLDER, inputTopic);
    }

    /** The source's {@code preserve.partition} (default true). */
    public boolean preservePartition() {
        return !"false".equalsIgnoreCase(config.getOrDefault("preserve.partition", "true").trim());
    }

    /** The sink's consumer group: Connect names it {@code connect-<connector name>} unless overridden. */
    public String sinkGroup() {
        return config.getOrDefault("consumer.override.group.id", "connect-" + name);
    }

    /** {@code tasks.max}, Connect's default 1 when absent. */
    public int tasksMax() {
        return Integer.parseInt(config.getOrDefault("tasks.max", "1"));
    }
}
