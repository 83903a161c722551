package io.durastash.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durastash.stash.model.OffsetRange;
import io.durastash.testkit.process.CommandRun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

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
}
