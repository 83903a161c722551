package io.durastash.faults;

import io.durastash.testkit.records.InputPartition;
import io.durastash.testkit.records.Verdict;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;

/**
 * Where an at-least-once run's duplicates come from, measured. Kafka's own at-least-once window is the records a sink
 * task delivered after its last offset commit: when its worker dies, the partition's next owner consumes them again
 * from the committed offset. So a duplicated range that comes from that window starts exactly at the offset the sink
 * group had committed for its partition just before a fault, and is as long as the records delivered since. A range
 * that starts anywhere else came from somewhere else (a stash's backlog delivered twice, a commit going backwards).
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

    /** Matches each duplicated range the verdict names with the committed offsets read just before each fault. */
    static List<Range> of(Verdict verdict, CommittedOffsetsWatch watch, String inputTopic, List<Long> faultNanos) {
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
                    if (watch.committedBefore(tp, faultNanos.get(k)) == first) {
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
        return String.format("%d of %d duplicated ranges start at their partition's committed offset just before a "
            + "fault (records delivered after the last offset commit: Kafka's at-least-once window); the longest is %d "
            + "records, %.2f s of a partition's flow at %.0f records/s; %s", inFlight, ranges.size(), longest,
            longest / recordsPerSecondPerPartition, recordsPerSecondPerPartition, ranges);
    }
}
