package io.durastash.local;

import org.apache.kafka.common.header.Headers;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks output records against the demo's numbering as they are read, the way Kafka's own integration tests prove
 * "no loss": per input partition, the numbers expected are its offsets {@code [start, end)}; each record read
 * marks its number arrived, counts a duplicate if it already was, and counts an order violation if a higher number
 * arrived first.
 */
final class SequenceCheck {
    private static final int MAX_RANGES_SHOWN = 5;

    private final Map<Integer, PartitionState> partitions = new HashMap<>();
    private final boolean partitionsPreserved;
    private long expected;
    private long arrived;
    private long duplicates;
    private long outOfOrder;
    private long altered;
    private long misplaced;
    private long unexpected;
    private long foreign;

    /** {@code expected}: per input partition, its start and end offset; the demo's record numbers are offsets. */
    SequenceCheck(Map<Integer, long[]> expected, boolean partitionsPreserved) {
        this.partitionsPreserved = partitionsPreserved;
        expected.forEach((partition, range) -> {
            partitions.put(partition, new PartitionState(range[0], range[1]));
            this.expected += range[1] - range[0];
        });
    }

    private static final class PartitionState {
        final long start;
        final long end;
        final BitSet seen = new BitSet();
        long highest = -1;

        PartitionState(long start, long end) {
            this.start = start;
            this.end = end;
        }
    }

    void accept(int outputPartition, byte[] key, byte[] value, Headers headers) {
        Optional<DemoRecords.Id> parsed = DemoRecords.parse(key);
        if (parsed.isEmpty()) {
            foreign++;
            return;
        }
        DemoRecords.Id id = parsed.get();
        PartitionState state = partitions.get(id.partition());
        if (state == null || id.seq() >= state.end) {
            unexpected++;
            return;
        }
        if (id.seq() < state.start) {
            // Older than anything the input topic still holds (retention): nothing to compare it with.
            return;
        }
        if (partitionsPreserved && outputPartition != id.partition()) {
            misplaced++;
        }
        if (!DemoRecords.intact(id, value, headers)) {
            altered++;
        }
        int index = (int) (id.seq() - state.start);
        if (state.seen.get(index)) {
            duplicates++;
            return;
        }
        state.seen.set(index);
        arrived++;
        if (id.seq() < state.highest) {
            outOfOrder++;
        }
        state.highest = Math.max(state.highest, id.seq());
    }

    /** Whether every expected record has arrived. */
    boolean complete() {
        return arrived == expected;
    }

    long arrived() {
        return arrived;
    }

    long expected() {
        return expected;
    }

    Verdict verdict() {
        Map<Integer, List<String>> missing = new HashMap<>();
        partitions.forEach((partition, state) -> {
            List<String> ranges = new ArrayList<>();
            int count = (int) (state.end - state.start);
            int from = state.seen.nextClearBit(0);
            while (from < count) {
                int to = Math.min(state.seen.nextSetBit(from) < 0 ? count : state.seen.nextSetBit(from), count);
                if (ranges.size() == MAX_RANGES_SHOWN) {
                    ranges.add("...");
                    break;
                }
                long first = state.start + from;
                long last = state.start + to - 1;
                ranges.add(first == last ? Long.toString(first) : first + "-" + last);
                from = state.seen.nextClearBit(to);
            }
            if (!ranges.isEmpty()) {
                missing.put(partition, ranges);
            }
        });
        return new Verdict(expected, arrived, duplicates, outOfOrder, altered, misplaced, unexpected, foreign, missing,
            partitions.size());
    }
}
