package io.durastash.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the output topic holds compared with what the demo produced into the input topic, per input partition:
 * every number from the partition's start offset to its end offset must arrive, first occurrences in increasing
 * order, byte for byte. Duplicates (at-least-once redelivery after a crash) are counted, not failed.
 */
record Verdict(long expected, long arrived, long duplicates, long outOfOrder, long altered, long misplaced,
               long unexpected, long foreign, Map<Integer, List<String>> missingRanges, int partitions) {

    boolean passed() {
        return missing() == 0 && outOfOrder == 0 && altered == 0 && misplaced == 0 && unexpected == 0;
    }

    long missing() {
        return expected - arrived;
    }

    String describe(String inputTopic, String outputTopic) {
        if (passed()) {
            return String.format(Locale.ROOT, "Verdict: PASS. All %,d records the demo produced into %s (all runs) "
                + "arrived in %s, in order %s, byte for byte (key, value, headers).%s", expected, inputTopic,
                outputTopic, partitions == 1 ? "(1 partition)" : "in each of its " + partitions + " partitions",
                duplicates == 0 ? " No duplicates."
                    : String.format(Locale.ROOT, " %,d duplicates (redelivered after a restart; at-least-once).",
                        duplicates));
        }
        List<String> problems = new ArrayList<>();
        if (missing() > 0) {
            problems.add(String.format(Locale.ROOT, "%,d of %,d records missing", missing(), expected));
        }
        if (outOfOrder > 0) {
            problems.add(String.format(Locale.ROOT, "%,d out of order", outOfOrder));
        }
        if (altered > 0) {
            problems.add(String.format(Locale.ROOT, "%,d altered (value or headers differ)", altered));
        }
        if (misplaced > 0) {
            problems.add(String.format(Locale.ROOT, "%,d in another partition than their input partition", misplaced));
        }
        if (unexpected > 0) {
            problems.add(String.format(Locale.ROOT, "%,d numbered beyond what the input topic holds", unexpected));
        }
        StringBuilder text = new StringBuilder("Verdict: FAIL. ").append(String.join(", ", problems)).append('.');
        new TreeMap<>(missingRanges).forEach((partition, ranges) -> text.append(System.lineSeparator())
            .append("    partition ").append(partition).append(" missing: ").append(String.join(", ", ranges)));
        if (foreign > 0) {
            text.append(System.lineSeparator()).append(String.format(Locale.ROOT, "    %,d records in %s were not "
                + "written by the demo; the check assumes only the demo writes to %s.", foreign, outputTopic,
                inputTopic));
        }
        return text.toString();
    }
}
