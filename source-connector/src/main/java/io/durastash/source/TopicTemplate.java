package io.durastash.source;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The output topic of a record, from a template in which {@value #PLACEHOLDER} stands for the record's
 * input topic: {@code ${topic}} mirrors every input topic, {@code ${topic}.buffered} adds a suffix, a
 * template without the placeholder sends everything to one topic. Not thread-safe (it caches names).
 */
final class TopicTemplate {
    static final String PLACEHOLDER = "${topic}";
    /** Kafka's limit on topic name length. */
    static final int MAX_TOPIC_LENGTH = 249;
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");
    /** A legal one-character topic that stands in for the input topic when the template is checked. */
    private static final String SAMPLE_INPUT = "t";

    static final ConfigDef.Validator VALIDATOR = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            problem((String) value).ifPresent(p -> {
                throw new ConfigException(name, value, p);
            });
        }

        @Override
        public String toString() {
            return "a topic name of letters, digits, '.', '_' and '-' in which " + PLACEHOLDER + " stands for the input topic";
        }
    };

    private final String template;
    private final boolean mirrors;
    private final Map<String, String> names = new HashMap<>();

    TopicTemplate(String template) {
        problem(template).ifPresent(p -> {
            throw new ConfigException(StashSourceConfig.TOPIC_CONFIG, template, p);
        });
        this.template = template;
        this.mirrors = template.contains(PLACEHOLDER);
    }

    /**
     * What is wrong with {@code template}, if anything: an unknown placeholder, a character Kafka does
     * not allow in topic names, or a name that is too long even for a one-character input topic.
     */
    static Optional<String> problem(String template) {
        if (template == null || template.isEmpty()) {
            return Optional.of("must not be empty; use " + PLACEHOLDER + " to write each record to its input topic's name");
        }
        String literal = template.replace(PLACEHOLDER, "");
        if (literal.contains("$") || literal.contains("{") || literal.contains("}")) {
            return Optional.of("the only placeholder is " + PLACEHOLDER + " (the record's input topic); remove any other "
                + "'${...}', '$', '{' or '}'");
        }
        String sample = template.replace(PLACEHOLDER, SAMPLE_INPUT);
        if (!LEGAL.matcher(sample).matches()) {
            return Optional.of("yields an invalid topic name: topic names may contain only ASCII letters, digits, '.', '_' and '-'");
        }
        if (sample.equals(".") || sample.equals("..")) {
            return Optional.of("yields the topic name '" + sample + "', which Kafka does not allow");
        }
        if (sample.length() > MAX_TOPIC_LENGTH) {
            return Optional.of("yields topic names longer than Kafka's limit of " + MAX_TOPIC_LENGTH + " characters; shorten it");
        }
        return Optional.empty();
    }

    /** The template with no placeholder, i.e. the one topic it always names; empty when it mirrors input topics. */
    Optional<String> fixedTopic() {
        return mirrors ? Optional.empty() : Optional.of(template);
    }

    /** The output topic for a record read from {@code inputTopic}. */
    String topicFor(String inputTopic) {
        if (!mirrors) {
            return template;
        }
        String name = names.get(inputTopic);
        if (name == null) {
            name = template.replace(PLACEHOLDER, inputTopic);
            if (name.length() > MAX_TOPIC_LENGTH) {
                throw new ConnectException("The topic template '" + template + "' turns input topic '" + inputTopic
                    + "' into a name of " + name.length() + " characters, longer than Kafka's limit of " + MAX_TOPIC_LENGTH
                    + ". Shorten the template in '" + StashSourceConfig.TOPIC_CONFIG + "'; this task will be stopped.");
            }
            names.put(inputTopic, name);
        }
        return name;
    }

    @Override
    public String toString() {
        return template;
    }
}
