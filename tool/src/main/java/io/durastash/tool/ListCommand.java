package io.durastash.tool;

import io.durastash.stash.inspect.InspectedBatch;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.OffsetRange;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code list [--from ID] [--limit N]}: batches in id order, a page at a time. */
final class ListCommand implements Command {
    static final int DEFAULT_LIMIT = 100;

    @Override
    public void check(Arguments args) throws UsageException {
        args.allowOnly("list", "--from", "--limit");
        if (args.positionals().size() > 1) {
            throw new UsageException("list takes no arguments; page with --from and --limit");
        }
        args.longOption("--from", 0, 0);
        args.intOption("--limit", DEFAULT_LIMIT, 1);
    }

    @Override
    public int run(Invocation in) throws UsageException {
        long from = in.args().longOption("--from", 0, 0);
        int limit = in.args().intOption("--limit", DEFAULT_LIMIT, 1);
        // One more than asked for tells whether there is a next page.
        List<InspectedBatch> batches = in.stash().inspect().batches(from, limit == Integer.MAX_VALUE ? limit : limit + 1);
        Long next = null;
        if (batches.size() > limit) {
            next = batches.get(limit).id();
            batches = batches.subList(0, limit);
        }
        Output out = in.out();
        if (out.json()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (InspectedBatch batch : batches) {
                rows.add(json(batch, in.now()));
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("batches", rows);
            json.put("next", next);
            out.document(json);
            return StashTool.OK;
        }
        out.line("%-10s %-8s %9s %14s %10s %8s  %-16s %s", "BATCH", "STATUS", "RECORDS", "BYTES", "AGE", "ATTEMPTS", "GROUP", "OFFSETS");
        for (InspectedBatch batch : batches) {
            BatchMetadata m = batch.metadata();
            if (m == null) {
                out.line("%-10d %-8s %s", batch.id(), "DAMAGED", "metadata: " + batch.damage());
                continue;
            }
            out.line("%-10d %-8s %9d %14d %10s %8d  %-16s %s", m.id(), m.status(), m.recordCount(), m.byteSize(),
                Output.age(in.now() - m.createdAt()), m.loadAttempts(), m.group(), ranges(m.offsets()));
        }
        if (batches.isEmpty()) {
            out.line("(no batches" + (from > 0 ? " from id " + from : "") + ")");
        }
        if (next != null) {
            out.line("more: --from %d", next);
        }
        return StashTool.OK;
    }

    static Map<String, Object> json(InspectedBatch batch, long now) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", batch.id());
        BatchMetadata m = batch.metadata();
        if (m == null) {
            json.put("damaged", batch.damage());
            return json;
        }
        json.put("status", m.status().toString());
        json.put("group", m.group());
        json.put("recordCount", m.recordCount());
        json.put("byteSize", m.byteSize());
        json.put("createdAt", m.createdAt());
        json.put("ageMs", now - m.createdAt());
        json.put("loadedAt", m.loadedAt());
        json.put("loadAttempts", m.loadAttempts());
        List<Map<String, Object>> offsets = new ArrayList<>();
        for (OffsetRange range : m.offsets()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("topic", range.topic());
            r.put("partition", range.partition());
            r.put("first", range.first());
            r.put("last", range.last());
            offsets.add(r);
        }
        json.put("offsets", offsets);
        return json;
    }

    static String ranges(List<OffsetRange> ranges) {
        StringBuilder sb = new StringBuilder();
        for (OffsetRange range : ranges) {
            sb.append(sb.length() == 0 ? "" : " ").append(range);
        }
        return sb.toString();
    }
}
