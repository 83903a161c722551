package io.durastash.testkit.connect;

import io.durastash.testkit.BuildInfo;
import io.durastash.testkit.StackFailure;

import java.nio.file.Path;
import java.util.List;

/**
 * The sink and the source of one stash, as {@code config/local/durastash-sink.json} and {@code durastash-source.json}
 * define them, with what a run changes on top: each test says only what is particular to it.
 */
public record Pair(ConnectorConfig sink, ConnectorConfig source) {
    private static final String STASH_DIR = "stash.dir";
    private static final String STASH_NAME = "stash.name";

    /** The pair of {@code configDir} ({@code config/local} as the build knows it, or a launcher's --config-dir). */
    public static Pair local(Path configDir) {
        Pair pair = new Pair(ConnectorConfig.read(configDir.resolve("durastash-sink.json"), ConnectorConfig.SINK_CLASS),
            ConnectorConfig.read(configDir.resolve("durastash-source.json"), ConnectorConfig.SOURCE_CLASS));
        pair.requireSameStash();
        return pair;
    }

    /** The pair of the build's {@code config/local}. */
    public static Pair local() {
        return local(BuildInfo.load().configDir());
    }

    /** The pair as {@code <name>-sink} and {@code <name>-source}. */
    public Pair named(String name) {
        return new Pair(sink.named(name + "-sink"), source.named(name + "-source"));
    }

    /** Both on the stash {@code directory/name}. */
    public Pair stash(Path directory, String name) {
        return both(STASH_DIR, directory.toString()).both(STASH_NAME, name);
    }

    /** The sink reads {@code inputTopics} (comma-separated); the source writes {@code outputTopic} (may hold ${topic}). */
    public Pair topics(String inputTopics, String outputTopic) {
        return new Pair(sink.with("topics", inputTopics), source.with("topic", outputTopic));
    }

    public Pair tasks(int sinkTasks, int sourceTasks) {
        return new Pair(sink.with("tasks.max", String.valueOf(sinkTasks)), source.with("tasks.max",
            String.valueOf(sourceTasks)));
    }

    /** The sink with {@code key} set (null removes it). */
    public Pair withSink(String key, String value) {
        return new Pair(sink.with(key, value), source);
    }

    /** The source with {@code key} set (null removes it). */
    public Pair withSource(String key, String value) {
        return new Pair(sink, source.with(key, value));
    }

    /** Both with {@code key} set (null removes it). */
    public Pair both(String key, String value) {
        return new Pair(sink.with(key, value), source.with(key, value));
    }

    /** The sink's first input topic. */
    public String inputTopic() {
        return sink.inputTopics().get(0);
    }

    /** Where the source writes the records of {@link #inputTopic()}. */
    public String outputTopic() {
        return source.outputTopic(inputTopic());
    }

    /** The pair shares a stash only when both name the same stash.dir and stash.name. */
    public void requireSameStash() {
        for (String key : List.of(STASH_DIR, STASH_NAME)) {
            String fallback = STASH_NAME.equals(key) ? "default" : null;
            String sinkValue = sink.config().getOrDefault(key, fallback);
            String sourceValue = source.config().getOrDefault(key, fallback);
            if (sinkValue == null || !sinkValue.equals(sourceValue)) {
                throw StackFailure.environment("The sink" + sink.origin() + " and the source" + source.origin()
                    + " must name the same " + key + " to share a stash; they have " + sinkValue + " and " + sourceValue
                    + ".");
            }
        }
    }
}
