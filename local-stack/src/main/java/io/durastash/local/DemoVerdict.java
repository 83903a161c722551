package io.durastash.local;

import io.durastash.testkit.records.Verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's verdict in the launcher's words: what the output topic holds compared with what the demo produced into
 * the input topic, over all runs. It passes when every number arrived, first occurrences in order, byte for byte, in
 * its partition; duplicates (at-least-once redelivery after a crash) are counted, not failed, and so are records the
 * demo did not write (a user may produce into the topics too).
 */
final class DemoVerdict {
    private DemoVerdict() {
    }

    static boolean passed(Verdict verdict) {
        return verdict.inOrderAndIntact();
    }

    static String describe(Verdict verdict, String inputTopic, String outputTopic) {
        int partitions = verdict.findings().size();
        if (passed(verdict)) {
            return String.format(Locale.ROOT, "Verdict: PASS. All %,d records the demo produced into %s (all runs) "
                + "arrived in %s, in order %s, byte for byte (key, value, headers).%s", verdict.expected(), inputTopic,
                outputTopic, partitions == 1 ? "(1 partition)" : "in each of its " + partitions + " partitions",
                verdict.duplicates() == 0 ? " No duplicates."
                    : String.format(Locale.ROOT, " %,d duplicates (redelivered after a restart; at-least-once).",
                        verdict.duplicates()));
        }
        List<String> problems = new ArrayList<>();
        if (verdict.missing() > 0) {
            problems.add(String.format(Locale.ROOT, "%,d of %,d records missing", verdict.missing(), verdict.expected()));
        }
        if (verdict.outOfOrder() > 0) {
            problems.add(String.format(Locale.ROOT, "%,d out of order", verdict.outOfOrder()));
        }
        if (verdict.altered() > 0) {
            problems.add(String.format(Locale.ROOT, "%,d altered (%s differ)", verdict.altered(),
                verdict.mismatches().keySet().toString().toLowerCase(Locale.ROOT)));
        }
        if (verdict.misplaced() > 0) {
            problems.add(String.format(Locale.ROOT, "%,d in another partition than their input partition",
                verdict.misplaced()));
        }
        if (verdict.unexpected() > 0) {
            problems.add(String.format(Locale.ROOT, "%,d numbered beyond what the input topic holds",
                verdict.unexpected()));
        }
        StringBuilder text = new StringBuilder("Verdict: FAIL. ").append(String.join(", ", problems)).append('.');
        verdict.missingRanges().forEach((partition, ranges) -> text.append(System.lineSeparator())
            .append("    partition ").append(partition.partition()).append(" missing: ").append(String.join(", ", ranges)));
        if (verdict.foreign() > 0) {
            text.append(System.lineSeparator()).append(String.format(Locale.ROOT, "    %,d records in %s were not "
                + "written by the demo; the check assumes only the demo writes to %s.", verdict.foreign(), outputTopic,
                inputTopic));
        }
        return text.toString();
    }
}
