package io.durastash.tool;

import io.durastash.stash.model.QuarantinedEntry;
import io.durastash.stash.quarantine.RequeueOutcome;
import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordCodec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code quarantine list [BATCH...] [--limit N]}, {@code quarantine requeue (--all | BATCH...) [--dry-run]} and
 * {@code quarantine purge (--all | BATCH...) [--dry-run]}.
 */
final class QuarantineCommand implements Command {
    static final int DEFAULT_LIMIT = 100;

    @Override
    public void check(Arguments args) throws UsageException {
        if (args.positionals().size() < 2) {
            throw new UsageException("quarantine needs a subcommand: list, requeue or purge");
        }
        String sub = args.positionals().get(1);
        switch (sub) {
            case "list" -> {
                args.allowOnly("quarantine list", "--limit");
                args.intOption("--limit", DEFAULT_LIMIT, 1);
                args.batchIds(2);
            }
            case "requeue", "purge" -> {
                args.allowOnly("quarantine " + sub, "--all", "--dry-run");
                List<Long> ids = args.batchIds(2);
                if (args.flag("--all") == !ids.isEmpty()) {
                    throw new UsageException("quarantine " + sub + " takes either --all or the ids of the original "
                        + "batches whose entries to " + sub);
                }
            }
            default -> throw new UsageException("unknown quarantine subcommand '" + sub + "': use list, requeue or purge");
        }
    }

    /** Requeue and purge change the stash, but for a dry run. */
    @Override
    public boolean changesStash(Arguments args) {
        return !args.positionals().get(1).equals("list") && !args.flag("--dry-run");
    }

    @Override
    public int run(Invocation in) throws UsageException {
        String sub = in.args().positionals().get(1);
        List<Long> ids = in.args().batchIds(2);
        boolean dryRun = in.args().flag("--dry-run");
        switch (sub) {
            case "list":
                return list(in, ids, in.args().intOption("--limit", DEFAULT_LIMIT, 1));
            case "requeue":
                return requeue(in, in.stash().quarantine().requeue(ids, dryRun), dryRun);
            default:
                return purge(in, in.stash().quarantine().purge(ids, dryRun), dryRun);
        }
    }

    private static int list(Invocation in, List<Long> ids, int limit) {
        List<QuarantinedEntry> entries = in.stash().quarantine().list(ids);
        RecordCodec codec = new RecordCodec();
        Output out = in.out();
        List<QuarantinedEntry> shown = entries.subList(0, Math.min(limit, entries.size()));
        if (out.json()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (QuarantinedEntry entry : shown) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("batch", entry.batchId());
                row.put("index", entry.index());
                row.put("family", entry.family());
                row.put("kind", kind(entry));
                row.put("quarantinedAt", entry.quarantinedAt());
                row.put("bytes", entry.bytes() == null ? 0 : entry.bytes().length);
                row.put("records", entry.records());
                row.put("offsets", entry.offsets());
                row.put("passesNow", passesNow(entry, codec));
                row.put("reason", entry.reason());
                rows.add(row);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("total", entries.size());
            json.put("entries", rows);
            out.document(json);
            return StashTool.OK;
        }
        out.line("%-10s %6s %-6s %-8s %-24s %-6s %8s  %-24s %s", "BATCH", "INDEX", "FAMILY", "KIND", "QUARANTINED", "PASSES",
            "BYTES", "INPUT", "REASON");
        for (QuarantinedEntry entry : shown) {
            Boolean passes = passesNow(entry, codec);
            out.line("%-10d %6s %-6s %-8s %-24s %-6s %8d  %-24s %s", entry.batchId(),
                entry.index() < 0 ? "-" : String.valueOf(entry.index()), entry.family(), kind(entry),
                Output.instant(entry.quarantinedAt()), passes == null ? "-" : passes ? "yes" : "no",
                entry.bytes() == null ? 0 : entry.bytes().length,
                entry.offsets().isEmpty() ? "-" : entry.offsets().toString(), entry.reason());
        }
        if (entries.isEmpty()) {
            out.line("(quarantine is empty)");
        } else if (shown.size() < entries.size()) {
            out.line("%d of %d entries shown; raise --limit or name batches to see the others", shown.size(), entries.size());
        }
        return StashTool.OK;
    }

    /** Why the entry is there: the output refused the record, or it is damaged. */
    private static String kind(QuarantinedEntry entry) {
        return entry.refused() ? "refused" : "damaged";
    }

    /** Whether a quarantined record now passes its checksum and decodes; null for metadata entries. */
    private static Boolean passesNow(QuarantinedEntry entry, RecordCodec codec) {
        if (!"data".equals(entry.family())) {
            return null;
        }
        try {
            codec.decode(entry.bytes() == null ? new byte[0] : entry.bytes());
            return true;
        } catch (CorruptEntryException e) {
            return false;
        }
    }

    private static int requeue(Invocation in, List<RequeueOutcome> outcomes, boolean dryRun) {
        Output out = in.out();
        if (out.json()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (RequeueOutcome outcome : outcomes) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("originalBatch", outcome.originalBatchId());
                row.put("restored", outcome.restored());
                row.put("stillDamaged", outcome.stillDamaged());
                row.put("metadataEntryRemoved", outcome.metadataEntryRemoved());
                row.put("newBatch", outcome.newBatch() == null ? null : outcome.newBatch().id());
                rows.add(row);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("dryRun", dryRun);
            json.put("batches", rows);
            out.document(json);
            return StashTool.OK;
        }
        if (outcomes.isEmpty()) {
            out.line("nothing in quarantine for those batches");
        }
        for (RequeueOutcome outcome : outcomes) {
            String restored;
            if (outcome.restored() == 0) {
                restored = "nothing passes again";
            } else if (dryRun) {
                restored = outcome.restored() + " records would be restored as a new batch";
            } else {
                restored = outcome.restored() + " records restored as batch " + outcome.newBatch().id();
            }
            out.line("batch %d: %s; %d still damaged%s", outcome.originalBatchId(), restored, outcome.stillDamaged(),
                outcome.metadataEntryRemoved() ? (dryRun ? "; its metadata entry would go" : "; its metadata entry is gone") : "");
        }
        if (dryRun) {
            out.line("(dry run: nothing changed)");
        }
        return StashTool.OK;
    }

    private static int purge(Invocation in, List<QuarantinedEntry> purged, boolean dryRun) {
        Output out = in.out();
        if (out.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("dryRun", dryRun);
            json.put("purged", purged.size());
            json.put("batches", purged.stream().map(QuarantinedEntry::batchId).distinct().toList());
            out.document(json);
            return StashTool.OK;
        }
        out.line("%s %d quarantined entries of %d batches%s", dryRun ? "would purge" : "purged", purged.size(),
            purged.stream().map(QuarantinedEntry::batchId).distinct().count(), dryRun ? " (dry run: nothing changed)" : "");
        return StashTool.OK;
    }
}
