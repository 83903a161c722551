package io.durastash.tool;

import io.durastash.stash.inspect.VerifyReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code verify [--max-listed N]}: every entry against its checksum; exit code 3 on damage. */
final class VerifyCommand implements Command {
    static final int DEFAULT_MAX_LISTED = 100;

    @Override
    public void check(Arguments args) throws UsageException {
        args.allowOnly("verify", "--max-listed");
        if (args.positionals().size() > 1) {
            throw new UsageException("verify takes no arguments");
        }
        args.intOption("--max-listed", DEFAULT_MAX_LISTED, 0);
    }

    @Override
    public int run(Invocation in) throws UsageException {
        VerifyReport report = in.stash().inspect().verify(in.args().intOption("--max-listed", DEFAULT_MAX_LISTED, 0));
        Output out = in.out();
        if (out.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("clean", report.clean());
            json.put("batches", report.batches());
            json.put("records", report.records());
            json.put("recordBytes", report.recordBytes());
            json.put("quarantineEntries", report.quarantineEntries());
            json.put("damageCount", report.damageCount());
            List<Map<String, Object>> damages = new ArrayList<>();
            for (VerifyReport.Damage damage : report.damages()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("kind", damage.kind().toString());
                d.put("batch", damage.batchId());
                d.put("index", damage.index());
                d.put("detail", damage.detail());
                damages.add(d);
            }
            json.put("damages", damages);
            out.document(json);
        } else {
            out.line("checked %s and %s (%s); %d entries already in quarantine", Output.count(report.batches(), "batch"),
                Output.count(report.records(), "record"), Output.bytes(report.recordBytes()), report.quarantineEntries());
            if (report.clean()) {
                out.line("OK: every entry passes its checksum");
            } else {
                out.line("DAMAGED: %d entries fail%s", report.damageCount(),
                    report.damages().size() < report.damageCount() ? " (first " + report.damages().size() + " listed)" : "");
                report.damages().forEach(damage -> out.line("  " + damage));
                out.line("A worker sets damaged batch metadata and records aside into quarantine when it meets them, and "
                    + "the rest keeps flowing; 'export' saves the intact records first if you want a copy.");
            }
        }
        return report.clean() ? StashTool.OK : StashTool.DAMAGED;
    }
}
