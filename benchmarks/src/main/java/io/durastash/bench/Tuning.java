package io.durastash.bench;

import io.durastash.testkit.cli.CommandLine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Client and connector settings from the command line, applied alike to every pipeline where it has a
 * counterpart: {@code --consumer.<key>} goes to the sink's consumer ({@code consumer.override.<key>}, the pair's and
 * the floor's), to MirrorMaker's ({@code source.consumer.<key>}) and to Flume's Kafka source
 * ({@code sources.in.kafka.consumer.<key>}); {@code --producer.<key>} to the source connectors' producers
 * ({@code producer.override.<key>}) and to Flume's Kafka sink ({@code sinks.out.kafka.producer.<key>}).
 * {@code --sink.<key>} and {@code --source.<key>} go to the pair's and the floor's sink or source, {@code --mirror.<key>}
 * to MirrorMaker, {@code --flume.<key>} to the Flume agent's properties (without the {@code agent.} prefix).
 */
record Tuning(Map<String, String> sink, Map<String, String> source, Map<String, String> mirror, Map<String, String> flume) {
    static final Set<String> PREFIXES = Set.of("--consumer.", "--producer.", "--sink.", "--source.", "--mirror.",
        "--flume.");
    private static final String SINK_POLL = "consumer.override.max.poll.records";
    private static final int SINK_POLL_DEFAULT = 500;
    private static final String SOURCE_POLL = "poll.max.records";
    private static final int SOURCE_POLL_DEFAULT = 2000;

    static Tuning from(CommandLine args) {
        Map<String, String> sink = new LinkedHashMap<>();
        Map<String, String> source = new LinkedHashMap<>();
        Map<String, String> mirror = new LinkedHashMap<>();
        Map<String, String> flume = new LinkedHashMap<>();
        args.withPrefix("--consumer.").forEach((key, value) -> {
            sink.put("consumer.override." + key, value);
            mirror.put("source.consumer." + key, value);
            flume.put("sources.in.kafka.consumer." + key, value);
        });
        args.withPrefix("--producer.").forEach((key, value) -> {
            source.put("producer.override." + key, value);
            mirror.put("producer.override." + key, value);
            flume.put("sinks.out.kafka.producer." + key, value);
        });
        sink.putAll(args.withPrefix("--sink."));
        source.putAll(args.withPrefix("--source."));
        mirror.putAll(args.withPrefix("--mirror."));
        flume.putAll(args.withPrefix("--flume."));
        return new Tuning(sink, source, mirror, flume);
    }

    /** Records per sink consumer poll: Connect's default unless the run sets it. */
    int sinkPollRecords() {
        return Integer.parseInt(sink.getOrDefault(SINK_POLL, String.valueOf(SINK_POLL_DEFAULT)));
    }

    /** Records per source poll: the DuraStash source's default unless the run sets it. */
    int sourcePollRecords() {
        return Integer.parseInt(source.getOrDefault(SOURCE_POLL, String.valueOf(SOURCE_POLL_DEFAULT)));
    }

    boolean isEmpty() {
        return sink.isEmpty() && source.isEmpty() && mirror.isEmpty() && flume.isEmpty();
    }

    @Override
    public String toString() {
        return isEmpty() ? "none (defaults)" : "sink " + sink + ", source " + source + ", MM2 " + mirror + ", Flume " + flume;
    }
}
