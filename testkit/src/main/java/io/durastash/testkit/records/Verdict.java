package io.durastash.testkit.records;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@link SequenceCheck} saw, against what it expected. Per input partition it names the missing numbers, the
 * extra ones (arrived again: duplicates) and the ones that arrived out of order; for the records as a whole, how many
 * arrived altered (and in which part: key, value, headers, timestamp), in another partition than their input
 * partition, numbered beyond what was expected, or not numbered at all.
 *
 * <p>Order is judged per input partition within each output partition: a number is out of order when it arrives for
 * the first time after a higher number of its input partition arrived in the same output partition. A number that
 * arrives again counts as a duplicate only, so an at-least-once replay after a crash (0..99, then 50..149) shows
 * duplicates but no disorder.
 */
public record Verdict(long expected, long records, long arrived, long duplicates, long outOfOrder, long altered,
                      Map<Mismatch, Long> mismatches, long misplaced, long unexpected, long foreign,
                      Map<InputPartition, Findings> findings, List<String> examples) {

    /** The part of a record that did not arrive as it was sent. */
    public enum Mismatch { KEY, VALUE, HEADERS, TIMESTAMP }

    /** One input partition's numbers that went wrong, as ranges ("5-9", "12"), the first few of each kind. */
    public record Findings(List<String> missing, List<String> duplicated, List<String> outOfOrder) {
        boolean isEmpty() {
            return missing.isEmpty() && duplicated.isEmpty() && outOfOrder.isEmpty();
        }
    }

    public long missing() {
        return expected - arrived;
    }

    public boolean complete() {
        return missing() == 0;
    }

    /**
     * Every expected number arrived, for the first time in order, byte for byte, in its own partition, and none beyond
     * them. Says nothing of records that carry no number of an expected series.
     */
    public boolean inOrderAndIntact() {
        return missing() == 0 && outOfOrder == 0 && altered == 0 && misplaced == 0 && unexpected == 0;
    }

    /** {@link #inOrderAndIntact()}, and nothing else in the output: redelivered records allowed. */
    public boolean atLeastOnce() {
        return inOrderAndIntact() && foreign == 0;
    }

    /** {@link #atLeastOnce()} with no number twice. */
    public boolean exactlyOnce() {
        return atLeastOnce() && duplicates == 0;
    }

    public void requireAtLeastOnce() {
        if (!atLeastOnce()) {
            throw new AssertionError("Expected every record at least once, in order: " + this);
        }
    }

    public void requireExactlyOnce() {
        if (!exactlyOnce()) {
            throw new AssertionError("Expected every record exactly once, in order: " + this);
        }
    }

    /** The missing numbers per input partition that has any, as ranges. */
    public Map<InputPartition, List<String>> missingRanges() {
        Map<InputPartition, List<String>> missing = new TreeMap<>(SequenceCheck.PARTITION_ORDER);
        findings.forEach((partition, found) -> {
            if (!found.missing().isEmpty()) {
                missing.put(partition, found.missing());
            }
        });
        return missing;
    }

    @Override
    public String toString() {
        List<String> altered = new ArrayList<>();
        mismatches.forEach((part, count) -> altered.add(part.name().toLowerCase(java.util.Locale.ROOT) + " " + count));
        StringBuilder text = new StringBuilder()
            .append(records).append(" records read, ").append(arrived).append(" distinct of ").append(expected)
            .append(" expected: missing ").append(missing())
            .append(", duplicates ").append(duplicates)
            .append(", out of order ").append(outOfOrder)
            .append(", altered ").append(this.altered).append(altered.isEmpty() ? "" : " " + altered)
            .append(", misplaced ").append(misplaced)
            .append(", unexpected ").append(unexpected)
            .append(", foreign ").append(foreign);
        findings.forEach((partition, found) -> {
            if (!found.isEmpty()) {
                text.append("\n  ").append(partition).append(found.missing().isEmpty() ? "" : " missing " + found.missing())
                    .append(found.duplicated().isEmpty() ? "" : " duplicated " + found.duplicated())
                    .append(found.outOfOrder().isEmpty() ? "" : " out of order " + found.outOfOrder());
            }
        });
        examples.forEach(example -> text.append("\n  ").append(example));
        return text.toString();
    }
}
