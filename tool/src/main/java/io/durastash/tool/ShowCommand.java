package io.durastash.tool;

import io.durastash.stash.codec.RecordCodec;
import io.durastash.stash.inspect.InspectedBatch;
import io.durastash.stash.inspect.InspectedRecord;
import io.durastash.stash.inspect.RecordScan;
import io.durastash.stash.model.BatchMetadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code show BATCH [--from INDEX] [--limit N]}: a batch's metadata and its records, decoded. */
final class ShowCommand implements Command {
    static final int DEFAULT_LIMIT = 100;

    @Override
    public void check(Arguments args) throws UsageException {
        args.allowOnly("show", "--from", "--limit");
        if (args.positionals().size() != 2) {
            throw new UsageException("show takes one batch id: show BATCH [--from INDEX] [--limit N]");
        }
        args.batchIds(1);
        args.intOption("--from", 0, 0);
        args.intOption("--limit", DEFAULT_LIMIT, 1);
    }

    @Override
    public int run(Invocation in) throws UsageException {
        long batchId = in.args().batchIds(1).get(0);
        int from = in.args().intOption("--from", 0, 0);
        int limit = in.args().intOption("--limit", DEFAULT_LIMIT, 1);
        Optional<InspectedBatch> stored = in.stash().inspect().batch(batchId);
        if (stored.isEmpty()) {
            in.err().println("durastash: there is no batch " + batchId + " in " + in.stash().path()
                + " (acknowledged and deleted, or never written). 'list' shows the batches there are.");
            return StashTool.FAILED;
        }
        InspectedBatch batch = stored.get();
        List<InspectedRecord> records = new ArrayList<>();
        Integer next = null;
        boolean damaged = batch.damaged();
        try (RecordScan scan = in.stash().inspect().scan(batchId, from, new RecordCodec())) {
            while (scan.hasNext()) {
                InspectedRecord record = scan.next();
                if (records.size() == limit) {
                    next = record.index();
                    break;
                }
                records.add(record);
                damaged |= record.damaged();
            }
        }
        Output out = in.out();
        if (out.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("batch", ListCommand.json(batch, in.now()));
            List<Map<String, Object>> rows = new ArrayList<>();
            records.forEach(record -> rows.add(RecordView.json(record)));
            json.put("records", rows);
            json.put("next", next);
            out.document(json);
        } else {
            BatchMetadata m = batch.metadata();
            if (m == null) {
                out.line("batch %d  DAMAGED metadata: %s", batchId, batch.damage());
            } else {
                out.line("batch %d  %s  group=%s  records=%d  bytes=%d  created=%s (%s ago)  attempts=%d", m.id(), m.status(),
                    m.group(), m.recordCount(), m.byteSize(), Output.instant(m.createdAt()), Output.age(in.now() - m.createdAt()),
                    m.loadAttempts());
                out.line("offsets %s", ListCommand.ranges(m.offsets()));
            }
            for (InspectedRecord record : records) {
                RecordView.text(record).forEach(out::line);
            }
            if (records.isEmpty()) {
                out.line("(no records" + (from > 0 ? " from index " + from : "") + ")");
            }
            if (next != null) {
                out.line("more: --from %d", next);
            }
        }
        return damaged ? StashTool.DAMAGED : StashTool.OK;
    }
}
