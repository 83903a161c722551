package io.durastash.bench;

import io.durastash.testkit.cli.CommandLine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Client and connector settings from the command line, applied alike to both pipelines where they have a
 * counterpart: {@code --consumer.<key>} goes to the sink's consumer ({@code consumer.override.<key>}) and to
 * MirrorMaker's ({@code source.consumer.<key>}); {@code --producer.<key>} to both source connectors' producers
 * ({@code producer.override.<key>}). {@code --sink.<key>}, {@code --source.<key>} and {@code --mirror.<key>} go
 * to that connector only.
 */
record Tuning(Map<String, String> sink, Map<String, String> source, Map<String, String> mirror) {
    static final Set<String> PREFIXES = Set.of("--consumer.", "--producer.", "--sink.", "--source.", "--mirror.");

    static Tuning from(CommandLine args) {
        Map<String, String> sink = new LinkedHashMap<>();
        Map<String, String> source = new LinkedHashMap<>();
        Map<String, String> mirror = new LinkedHashMap<>();
        args.withPrefix("--consumer.").forEach((key, value) -> {
            sink.put("consumer.override." + key, value);
            mirror.put("source.consumer." + key, value);
        });
        args.withPrefix("--producer.").forEach((key, value) -> {
            source.put("producer.override." + key, value);
            mirror.put("producer.override." + key, value);
        });
        sink.putAll(args.withPrefix("--sink."));
        source.putAll(args.withPrefix("--source."));
        mirror.putAll(args.withPrefix("--mirror."));
        return new Tuning(sink, source, mirror);
    }

    boolean isEmpty() {
        return sink.isEmpty() && source.isEmpty() && mirror.isEmpty();
    }

    @Override
    public String toString() {
        return isEmpty() ? "none (defaults)" : "sink " + sink + ", source " + source + ", MM2 " + mirror;
    }
}
