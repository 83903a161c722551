package io.durastash.tool;

import io.durastash.stash.Stash;
import io.durastash.stash.Version;
import io.durastash.stash.model.StashStats;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** {@code stats}: the stash's counters, identity, disk use and the offsets each sink has stashed. */
final class StatsCommand implements Command {
    @Override
    public void check(Arguments args) throws UsageException {
        args.allowOnly("stats");
        if (args.positionals().size() > 1) {
            throw new UsageException("stats takes no arguments");
        }
    }

    @Override
    public int run(Invocation in) throws IOException {
        Stash stash = in.stash();
        StashStats stats = stash.stats();
        long disk = diskBytes(stash.path());
        Map<String, Map<TopicPartition, Long>> offsets = stash.inspect().stashedOffsets();
        Output out = in.out();
        if (out.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("path", stash.path().toString());
            json.put("id", stash.id().toString());
            json.put("pendingBatches", stats.liveBatches());
            json.put("pendingRecords", stats.liveRecords());
            json.put("pendingBytes", stats.liveBytes());
            json.put("oldestPendingAgeMs", stats.oldestPendingAgeMs());
            json.put("quarantinedEntries", stats.quarantinedEntries());
            json.put("nextBatchId", stash.nextBatchId());
            json.put("diskBytes", disk);
            Map<String, Map<String, Long>> sinks = new LinkedHashMap<>();
            offsets.forEach((sink, partitions) -> {
                Map<String, Long> byPartition = new LinkedHashMap<>();
                partitions.forEach((tp, offset) -> byPartition.put(tp.toString(), offset));
                sinks.put(sink, byPartition);
            });
            json.put("stashedOffsets", sinks);
            json.put("toolVersion", Version.get());
            out.document(json);
            return StashTool.OK;
        }
        out.line("stash            %s", stash.path());
        out.line("id               %s", stash.id());
        out.line("pending          %s, %s, %s", Output.count(stats.liveBatches(), "batch"),
            Output.count(stats.liveRecords(), "record"), Output.bytes(stats.liveBytes()));
        out.line("oldest pending   %s", stats.liveBatches() == 0 ? "-" : Output.age(stats.oldestPendingAgeMs()));
        out.line("quarantined      %s%s", Output.count(stats.quarantinedEntries(), "entry"),
            stats.quarantinedEntries() > 0 ? " (see: quarantine list)" : "");
        out.line("next batch id    %d", stash.nextBatchId());
        out.line("disk             %s (RocksDB files and WAL)", Output.bytes(disk));
        if (offsets.isEmpty()) {
            out.line("stashed offsets  none");
        } else {
            out.line("stashed offsets  (last input offset stashed, per sink connector and partition)");
            offsets.forEach((sink, partitions) -> {
                StringBuilder sb = new StringBuilder();
                partitions.forEach((tp, offset) -> sb.append(sb.length() == 0 ? "" : ", ").append(tp).append('=').append(offset));
                out.line("  %s: %s", sink, sb);
            });
        }
        return StashTool.OK;
    }

    private static long diskBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return 0; // a file RocksDB deleted meanwhile
                }
            }).sum();
        }
    }
}
