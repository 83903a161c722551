package io.durastash.tool;

import io.durastash.stash.Salvage;
import io.durastash.stash.model.OffsetRange;
import io.durastash.stash.model.SalvageReport;
import io.durastash.stash.model.StashOptions;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code salvage --into DIR}: copies what can be read of the stash into a new stash in DIR, and says what it could
 * not copy: the batch, how many records, why, and the input offsets the new stash asks its sink to fetch again.
 */
final class SalvageCommand implements Command {
    @Override
    public void check(Arguments args) throws UsageException {
        args.allowOnly("salvage", "--into");
        if (args.positionals().size() > 1) {
            throw new UsageException("salvage takes no arguments: salvage --into DIR");
        }
        if (args.option("--into") == null) {
            throw new UsageException("salvage needs --into DIR: an empty or new directory for the new stash");
        }
    }

    @Override
    public int run(Invocation in) {
        SalvageReport report = Salvage.run(in.stash(), Paths.get(in.args().option("--into")),
            StashOptions.defaults().withMemoryBytes(StashOptions.MIN_MEMORY_BYTES));
        Output out = in.out();
        if (out.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("into", report.into().toString());
            json.put("stashId", report.stashId().toString());
            json.put("batches", report.batches());
            json.put("records", report.records());
            json.put("recordBytes", report.recordBytes());
            json.put("damagedRecords", report.damagedRecords());
            List<Map<String, Object>> losses = new ArrayList<>();
            for (SalvageReport.Loss loss : report.losses()) {
                Map<String, Object> l = new LinkedHashMap<>();
                l.put("batch", loss.batchId());
                l.put("damagedRecords", loss.damagedRecords());
                l.put("reason", loss.reason());
                l.put("offsets", ranges(loss.offsets()));
                l.put("metadataDamaged", loss.metadataDamaged());
                losses.add(l);
            }
            json.put("losses", losses);
            json.put("refetch", ranges(report.refetchRanges()));
            json.put("quarantineEntriesLeft", report.quarantineEntries());
            out.document(json);
        } else {
            out.line("salvaged %s of %s (%s) into %s, a new stash with id %s", Output.count(report.records(), "record"),
                Output.count(report.batches(), "batch"), Output.bytes(report.recordBytes()), report.into(), report.stashId());
            for (SalvageReport.Loss loss : report.losses()) {
                out.line("  NOT COPIED: %d records of batch %d (%s)%s; input offsets %s", loss.damagedRecords(),
                    loss.batchId(), loss.reason(), loss.metadataDamaged() ? ", its metadata damaged too" : "",
                    loss.offsets());
            }
            if (!report.refetchRanges().isEmpty()) {
                out.line("The new stash asks its sink connector to fetch these input offsets again (the records there "
                    + "that the stash lost), if the input topic still holds them: %s", report.refetchRanges());
            }
            if (report.quarantineEntries() > 0) {
                out.line("%d quarantine entries stay in the old stash; inspect them there with 'quarantine list'.",
                    report.quarantineEntries());
            }
            out.line("To use it: stop the connectors, move the old stash away, move %s to the old stash's path, and "
                + "resume them. The source delivers the whole new stash, so records already in Kafka may come again.",
                report.into());
        }
        return report.losses().isEmpty() ? StashTool.OK : StashTool.DAMAGED;
    }

    private static List<String> ranges(List<OffsetRange> ranges) {
        return ranges.stream().map(OffsetRange::toString).toList();
    }
}
