package io.durastash.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A connector config file as users POST it to Connect: {@code {"name": ..., "config": {...}}}. The launcher sends
 * it to the worker unchanged and reads from it only what it needs to set up around the connector: the topics, the
 * sink's consumer group.
 */
record ConnectorConfigFile(Path file, String name, Map<String, String> config) {
    static final String SINK_CLASS = "io.durastash.sink.StashSinkConnector";
    static final String SOURCE_CLASS = "io.durastash.source.StashSourceConnector";
    private static final String TOPIC_PLACEHOLDER = "${topic}";

    static ConnectorConfigFile read(Path file, String expectedClass) {
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
        ConnectorConfigFile parsed = new ConnectorConfigFile(file, root.get("name").asText(),
            Collections.unmodifiableMap(config));
        if (!expectedClass.equals(parsed.connectorClass())) {
            throw StackFailure.environment("The connector config " + file + " must have \"connector.class\": \""
                + expectedClass + "\", not " + (parsed.connectorClass() == null ? "none" : "\"" + parsed.connectorClass()
                + "\"") + ".");
        }
        return parsed;
    }

    String connectorClass() {
        return config.get("connector.class");
    }

    /** The sink's input topics ({@code topics}); the launcher creates them and does not follow topics.regex. */
    List<String> inputTopics() {
        String topics = config.get("topics");
        if (topics == null || topics.isBlank()) {
            throw StackFailure.environment("The sink config " + file + " must list its input topics in \"topics\" (the "
                + "local stack creates them; it does not follow \"topics.regex\").");
        }
        List<String> names = new ArrayList<>();
        Arrays.stream(topics.split(",")).map(String::trim).filter(t -> !t.isEmpty()).forEach(names::add);
        return names;
    }

    /** The source's output topic for records from {@code inputTopic} ({@code topic}, where ${topic} is the input topic). */
    String outputTopic(String inputTopic) {
        return config.getOrDefault("topic", TOPIC_PLACEHOLDER).replace(TOPIC_PLACEHOLDER, inputTopic);
    }

    /** The source's {@code preserve.partition} (default true). */
    boolean preservePartition() {
        return !"false".equalsIgnoreCase(config.getOrDefault("preserve.partition", "true").trim());
    }

    /** The sink's consumer group: Connect names it {@code connect-<connector name>} unless overridden. */
    String sinkGroup() {
        return config.getOrDefault("consumer.override.group.id", "connect-" + name);
    }
}
