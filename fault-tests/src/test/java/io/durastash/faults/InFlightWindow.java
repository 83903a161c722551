package io.durastash.faults;

import io.durastash.testkit.records.InputPartition;
import io.durastash.testkit.records.Verdict;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;

/**
 * Where an at-least-once run's duplicates come from, measured. Kafka's own at-least-once window is the records a sink
 * task delivered after its last offset commit: when its worker dies, the partition's next owner consumes them again
 * from the committed offset. So a duplicated range that comes from that window lies within a commit interval's flow of
 * the partition past the offset the sink group had committed just before a fault (the watch reads the offsets every
 * 250 ms: a commit between its last read and the fault moves the start a little). A range anywhere else, or longer,
 * came from somewhere else (a stash's backlog delivered twice, a commit going backwards).
 */
final class InFlightWindow {
    /** One duplicated range of an input partition, and the fault whose committed offset it starts at (0: none). */
    record Range(int partition, long first, long last, int fault) {
        long records() {
            return last - first + 1;
        }

        boolean inFlight() {
            return fault > 0;
        }
    }

    private InFlightWindow() {
    }

    /**
     * Matches each duplicated range the verdict names with the committed offsets read just before each fault.
     *
     * @param windowRecords a partition's records over one commit interval and one read of the watch: how far past the
     *                      committed offset a range in flight may reach
     */
    static List<Range> of(Verdict verdict, CommittedOffsetsWatch watch, String inputTopic, List<Long> faultNanos,
                          long windowRecords) {
        List<Range> ranges = new ArrayList<>();
        verdict.findings().forEach((InputPartition partition, Verdict.Findings found) -> {
            for (String range : found.duplicated()) {
                if (range.equals("...")) {
                    continue;
                }
                String[] ends = range.split("-");
                long first = Long.parseLong(ends[0]);
                long last = Long.parseLong(ends[ends.length - 1]);
                TopicPartition tp = new TopicPartition(inputTopic, partition.partition());
                int fault = 0;
                for (int k = 0; k < faultNanos.size() && fault == 0; k++) {
                    long committed = watch.committedBefore(tp, faultNanos.get(k));
                    if (committed >= 0 && first >= committed && last < committed + windowRecords) {
                        fault = k + 1;
                    }
                }
                ranges.add(new Range(partition.partition(), first, last, fault));
            }
        });
        return ranges;
    }

    /** One line for the report: how many ranges were in flight at a fault, and how long the longest window was. */
    static String describe(List<Range> ranges, double recordsPerSecondPerPartition) {
        if (ranges.isEmpty()) {
            return "no duplicated ranges";
        }
        long inFlight = ranges.stream().filter(Range::inFlight).count();
        long longest = ranges.stream().filter(Range::inFlight).mapToLong(Range::records).max().orElse(0);
        return String.format("%d of %d duplicated ranges lie within a commit interval past their partition's committed "
            + "offset just before a fault (records delivered after the last offset commit: Kafka's at-least-once "
            + "window); the longest of those is %d records, %.2f s of a partition's flow at %.0f records/s; %s",
            inFlight, ranges.size(), longest, longest / recordsPerSecondPerPartition, recordsPerSecondPerPartition,
            ranges);
    }
}
