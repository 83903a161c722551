package io.durastash.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durastash.stash.OffsetRange;
import io.durastash.testkit.process.CommandRun;
import io.durastash.testkit.records.InputPartition;
import io.durastash.testkit.records.Verdict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a stopped worker's stash set aside, as {@code durastash quarantine list --format json} reports it: each entry's
 * family, batch, index, how many records it stands for, and the input offsets its batch held, which the sink fetched
 * again. A verdict's late and repeated numbers are explained when they all lie within those offsets.
 */
record Quarantined(CommandRun run, List<Entry> entries) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One entry: {@code family} is meta, data or wal; {@code index} -1 for a metadata entry. */
    record Entry(String family, long batch, int index, int records, List<OffsetRange> offsets) {
    }

    static Quarantined of(Path stash) {
        return of(list(stash));
    }

    /** {@code durastash quarantine list} in JSON, as run; it fails while a worker holds the stash. */
    static CommandRun list(Path stash) {
        return StashToolRun.durastash("--dir", stash.toString(), "--format", "json", "quarantine", "list", "--limit",
            "100000");
    }

    static Quarantined of(CommandRun run) {
        if (run.exitCode() != 0) {
            throw new AssertionError("durastash quarantine list failed: " + run);
        }
        List<Entry> entries = new ArrayList<>();
        try {
            for (JsonNode entry : JSON.readTree(run.output()).path("entries")) {
                List<OffsetRange> offsets = new ArrayList<>();
                for (JsonNode range : entry.path("offsets")) {
                    offsets.add(JSON.treeToValue(range, OffsetRange.class));
                }
                entries.add(new Entry(entry.path("family").asText(), entry.path("batch").asLong(),
                    entry.path("index").asInt(), entry.path("records").asInt(), offsets));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot parse " + run, e);
        }
        return new Quarantined(run, entries);
    }

    List<Entry> of(String family) {
        return entries.stream().filter(e -> e.family().equals(family)).toList();
    }

    /** The distinct input ranges of {@code family}'s entries: what the sink fetched again for them. */
    Set<OffsetRange> ranges(String family) {
        Set<OffsetRange> ranges = new LinkedHashSet<>();
        of(family).forEach(entry -> ranges.addAll(entry.offsets()));
        return ranges;
    }

    /**
     * Why {@code verdict} has numbers that arrived late or twice, when some lie outside the input ranges of
     * {@code family}'s entries (or are too many to list); null when every one lies within them.
     */
    String unexplained(Verdict verdict, String family) {
        Set<OffsetRange> ranges = ranges(family);
        List<String> outside = new ArrayList<>();
        for (Map.Entry<InputPartition, Verdict.Findings> found : verdict.findings().entrySet()) {
            int partition = found.getKey().partition();
            for (Function<Verdict.Findings, List<String>> kind : List.<Function<Verdict.Findings, List<String>>>of(
                Verdict.Findings::outOfOrder, Verdict.Findings::duplicated)) {
                for (String numbers : kind.apply(found.getValue())) {
                    if (!within(numbers, partition, ranges)) {
                        outside.add(found.getKey() + " " + numbers);
                    }
                }
            }
        }
        return outside.isEmpty() ? null : "late or repeated numbers outside the set-aside offsets " + ranges + ": "
            + outside;
    }

    /**
     * Whether {@code numbers} ("a-b" or "a"; "..." for ranges not listed) of {@code partition} lies within
     * {@code ranges}, adjacent ones taken together.
     */
    private static boolean within(String numbers, int partition, Set<OffsetRange> ranges) {
        if (numbers.equals("...")) {
            return false;
        }
        String[] bounds = numbers.split("-");
        long first = Long.parseLong(bounds[0]);
        long last = Long.parseLong(bounds[bounds.length - 1]);
        TreeMap<Long, Long> merged = new TreeMap<>();
        ranges.stream().filter(r -> r.partition() == partition).sorted(Comparator.comparingLong(OffsetRange::first))
            .forEach(r -> {
                Map.Entry<Long, Long> before = merged.lastEntry();
                if (before != null && r.first() <= before.getValue() + 1) {
                    merged.put(before.getKey(), Math.max(before.getValue(), r.last()));
                } else {
                    merged.put(r.first(), r.last());
                }
            });
        Map.Entry<Long, Long> around = merged.floorEntry(first);
        return around != null && last <= around.getValue();
    }
}
