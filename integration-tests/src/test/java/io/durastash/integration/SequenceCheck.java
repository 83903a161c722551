package io.durastash.integration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a consumer of the output topic saw, measured against the {@link NumberedRecords} that went in: which
 * numbers are missing, how many arrived more than once, how many arrived out of order, how many arrived
 * altered, and how many records were not ours at all. The way Kafka's own integration tests prove "no loss, no
 * duplicates", with the per-partition order the stash promises on top.
 *
 * <p>Order is judged per input partition within each output partition: a number is <em>out of order</em> when
 * it arrives for the first time after a higher number of the same input partition already arrived in the same
 * output partition. A redelivered number (a duplicate) is counted as a duplicate only, so an at-least-once
 * replay after a crash (0..99, then 50..149) shows duplicates but no order violation.
 */
public final class SequenceCheck {
    private static final int EXAMPLES = 10;

    private final Map<String, NumberedRecords> inputs = new LinkedHashMap<>();
    private final Map<InputPartition, BitSet> seen = new HashMap<>();
    private final Map<Stream, Long> highest = new HashMap<>();
    private final List<String> examples = new ArrayList<>();

    private long records;
    private long distinct;
    private long duplicates;
    private long outOfOrder;
    private long altered;
    private long foreign;

    private SequenceCheck(List<NumberedRecords> inputs) {
        for (NumberedRecords input : inputs) {
            if (this.inputs.put(input.topic(), input) != null) {
                throw new IllegalArgumentException("Two inputs for topic " + input.topic());
            }
        }
    }

    public static SequenceCheck of(NumberedRecords... inputs) {
        return new SequenceCheck(Arrays.asList(inputs));
    }

    public long expected() {
        return inputs.values().stream().mapToLong(NumberedRecords::count).sum();
    }

    public void add(ConsumerRecord<byte[], byte[]> record) {
        add(record.topic(), record.partition(), record.offset(), record.key(), record.value(), record.headers(),
            record.timestamp());
    }

    public void add(String topic, int partition, long offset, byte[] key, byte[] value, Headers headers, long timestamp) {
        records++;
        String where = topic + "-" + partition + "@" + offset;
        RecordNumber number = numberOf(key, headers);
        NumberedRecords input = number == null ? null : inputs.get(number.topic());
        if (input == null || number.partition() >= input.partitions()
            || number.seq() >= input.countIn(number.partition())) {
            foreign++;
            example("not one of ours: " + where + (number == null ? "" : " carries " + number));
            return;
        }
        if (!input.arrivedIntact(number, key, value, headers, timestamp)) {
            altered++;
            example("altered value: " + number + " at " + where);
        }
        BitSet numbers = seen.computeIfAbsent(new InputPartition(number.topic(), number.partition()), p -> new BitSet());
        int seq = Math.toIntExact(number.seq());
        if (numbers.get(seq)) {
            duplicates++;
            example("duplicate: " + number + " at " + where);
            return;
        }
        numbers.set(seq);
        distinct++;
        Stream stream = new Stream(topic, partition, number.topic(), number.partition());
        Long before = highest.get(stream);
        if (before != null && before > seq) {
            outOfOrder++;
            example("out of order: " + number + " after " + number.topic() + ":" + number.partition() + ":" + before
                + " at " + where);
        } else {
            highest.put(stream, (long) seq);
        }
    }

    /** Every expected number arrived at least once. */
    public boolean complete() {
        return distinct == expected();
    }

    public long records() {
        return records;
    }

    public long distinct() {
        return distinct;
    }

    public long missing() {
        return expected() - distinct;
    }

    public long duplicates() {
        return duplicates;
    }

    public long outOfOrder() {
        return outOfOrder;
    }

    public long altered() {
        return altered;
    }

    public long foreign() {
        return foreign;
    }

    /** The missing numbers per input partition as ranges, e.g. {@code in:0=[5..9, 12]}. */
    public Map<String, List<String>> missingRanges() {
        Map<String, List<String>> missing = new LinkedHashMap<>();
        for (NumberedRecords input : inputs.values()) {
            for (int partition = 0; partition < input.partitions(); partition++) {
                BitSet numbers = seen.getOrDefault(new InputPartition(input.topic(), partition), new BitSet());
                int end = Math.toIntExact(input.countIn(partition));
                List<String> ranges = new ArrayList<>();
                for (int from = numbers.nextClearBit(0); from < end; from = numbers.nextClearBit(from)) {
                    int to = Math.min(numbers.nextSetBit(from) < 0 ? end : numbers.nextSetBit(from), end) - 1;
                    ranges.add(from == to ? String.valueOf(from) : from + ".." + to);
                    from = to + 1;
                }
                if (!ranges.isEmpty()) {
                    missing.put(input.topic() + ":" + partition, ranges);
                }
            }
        }
        return missing;
    }

    /** Exactly once: nothing missing, nothing twice, nothing out of order, nothing altered, nothing foreign. */
    public void assertExactlyOnce() {
        if (missing() != 0 || duplicates != 0 || outOfOrder != 0 || altered != 0 || foreign != 0) {
            throw new AssertionError("Expected exactly once, in order: " + this);
        }
    }

    /** At least once: like {@link #assertExactlyOnce()}, but redelivered records are allowed. */
    public void assertAtLeastOnce() {
        if (missing() != 0 || outOfOrder != 0 || altered != 0 || foreign != 0) {
            throw new AssertionError("Expected at least once, in order: " + this);
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder()
            .append(records).append(" records read, ").append(distinct).append(" distinct of ").append(expected())
            .append(" expected: missing ").append(missing())
            .append(", duplicates ").append(duplicates)
            .append(", out of order ").append(outOfOrder)
            .append(", altered ").append(altered)
            .append(", foreign ").append(foreign);
        if (missing() != 0) {
            text.append("\n  missing: ").append(abbreviate(missingRanges().toString()));
        }
        for (String example : examples) {
            text.append("\n  ").append(example);
        }
        return text.toString();
    }

    private void example(String text) {
        if (examples.size() < EXAMPLES) {
            examples.add(text);
        }
    }

    private static RecordNumber numberOf(byte[] key, Headers headers) {
        try {
            return RecordNumber.parse(key);
        } catch (IllegalArgumentException notInKey) {
            Header header = headers == null ? null : headers.lastHeader(NumberedRecords.NUMBER_HEADER);
            try {
                return header == null ? null : RecordNumber.parse(header.value());
            } catch (IllegalArgumentException notInHeader) {
                return null;
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 2_000 ? text : text.substring(0, 2_000) + "...";
    }

    private record InputPartition(String topic, int partition) {
    }

    /** The records of one input partition as they appear in one output partition. */
    private record Stream(String outputTopic, int outputPartition, String inputTopic, int inputPartition) {
    }
}
