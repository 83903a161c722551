package io.durastash.tool;

import io.durastash.stash.inspect.RecordScan;
import io.durastash.stash.inspect.InspectedRecord;
import io.durastash.stash.inspect.InspectedBatch;
import io.durastash.stash.codec.RecordCodec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code export --output FILE}: every record the stash holds, batch by batch in id order, one JSON object per line,
 * with its batch, group and the fields of {@link RecordView#json}. Damaged records are skipped and counted.
 */
final class ExportCommand implements Command {
    private static final int PAGE = 1000;

    @Override
    public void check(Arguments args) throws UsageException {
        args.allowOnly("export", "--output");
        if (args.positionals().size() > 1) {
            throw new UsageException("export takes no arguments: export --output FILE");
        }
        if (args.option("--output") == null) {
            throw new UsageException("export needs --output FILE (- for stdout)");
        }
    }

    @Override
    public int run(Invocation in) throws IOException {
        String target = in.args().option("--output");
        boolean toStdout = target.equals("-");
        Path file = toStdout ? null : Paths.get(target);
        if (file != null && Files.exists(file)) {
            in.err().println("durastash: " + file + " exists; export writes a new file. Remove it or choose another.");
            return StashTool.FAILED;
        }
        long batches = 0;
        long records = 0;
        long damagedRecords = 0;
        long damagedBatches = 0;
        RecordCodec codec = new RecordCodec();
        Writer writer = toStdout
            ? new BufferedWriter(new OutputStreamWriter(in.out().stream(), StandardCharsets.UTF_8))
            : new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW), StandardCharsets.UTF_8));
        try {
            long from = 0;
            while (true) {
                List<InspectedBatch> page = in.stash().inspect().batches(from, PAGE);
                for (InspectedBatch batch : page) {
                    batches++;
                    if (batch.damaged()) {
                        damagedBatches++;
                    }
                    try (RecordScan scan = in.stash().inspect().scan(batch.id(), 0, codec)) {
                        while (scan.hasNext()) {
                            InspectedRecord record = scan.next();
                            if (record.damaged()) {
                                damagedRecords++;
                                continue;
                            }
                            Map<String, Object> line = new LinkedHashMap<>();
                            line.put("batch", batch.id());
                            line.put("group", batch.damaged() ? null : batch.metadata().group());
                            line.putAll(RecordView.json(record));
                            writer.write(Output.toJson(line));
                            writer.write('\n');
                            records++;
                        }
                    }
                }
                if (page.size() < PAGE) {
                    break;
                }
                from = page.get(page.size() - 1).id() + 1;
            }
        } finally {
            if (toStdout) {
                writer.flush(); // stdout stays open
            } else {
                writer.close();
            }
        }
        boolean clean = damagedRecords == 0 && damagedBatches == 0;
        Output summary = toStdout ? new Output(in.err(), in.out().json()) : in.out();
        if (summary.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("output", toStdout ? "-" : file.toString());
            json.put("batches", batches);
            json.put("records", records);
            json.put("damagedRecordsSkipped", damagedRecords);
            json.put("batchesWithDamagedMetadata", damagedBatches);
            summary.document(json);
        } else {
            summary.line("exported %s of %s to %s%s", Output.count(records, "record"), Output.count(batches, "batch"),
                toStdout ? "stdout" : file,
                clean ? "" : "; skipped " + damagedRecords + " damaged records, " + damagedBatches
                    + " batches have damaged metadata (their intact records are exported). See 'verify'.");
        }
        return clean ? StashTool.OK : StashTool.DAMAGED;
    }
}
