package io.durastash.testkit.records;

import io.durastash.testkit.records.NumberedRecords.Sent;
import io.durastash.testkit.records.NumberedRecords.Shape;
import io.durastash.testkit.records.Verdict.Findings;
import io.durastash.testkit.records.Verdict.Mismatch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks the records a consumer of the output reads, as it reads them, against the {@link Expected} numbers of
 * {@link NumberedRecords}: each record marks its number arrived, or counts as a duplicate when it already was; it is
 * rebuilt from its number and compared byte for byte; and it is judged for order within its output partition. The
 * {@link Verdict} tells what was seen.
 */
public final class SequenceCheck {
    static final Comparator<InputPartition> PARTITION_ORDER =
        Comparator.comparing(InputPartition::series).thenComparingInt(InputPartition::partition);
    private static final int EXAMPLES = 10;
    private static final int RANGES_SHOWN = 5;

    private final Map<InputPartition, Numbers> partitions = new TreeMap<>(PARTITION_ORDER);
    private final Set<String> series = new HashSet<>();
    private final boolean partitionsPreserved;
    private final long expected;
    private final Map<Stream, Long> highest = new HashMap<>();
    private final Map<Mismatch, Long> mismatches = new EnumMap<>(Mismatch.class);
    private final List<String> examples = new ArrayList<>();
    private long records;
    private long arrived;
    private long duplicates;
    private long outOfOrder;
    private long altered;
    private long misplaced;
    private long unexpected;
    private long foreign;

    private SequenceCheck(Expected expected, boolean partitionsPreserved) {
        expected.ranges().forEach((partition, range) -> {
            partitions.put(partition, new Numbers(range));
            series.add(partition.series());
        });
        this.expected = expected.count();
        this.partitionsPreserved = partitionsPreserved;
    }

    /**
     * A check of {@code expected}; with {@code partitionsPreserved} (the source's {@code preserve.partition}, its
     * default) a record must arrive in the output partition of its input partition's number.
     */
    public static SequenceCheck of(Expected expected, boolean partitionsPreserved) {
        return new SequenceCheck(expected, partitionsPreserved);
    }

    /** A check of {@code expected} where each record keeps its input partition. */
    public static SequenceCheck of(Expected expected) {
        return of(expected, true);
    }

    /** One input partition's numbers: which arrived, which twice, which out of order. */
    private static final class Numbers {
        final Expected.Range range;
        final BitSet seen = new BitSet();
        final BitSet duplicated = new BitSet();
        final BitSet late = new BitSet();

        Numbers(Expected.Range range) {
            this.range = range;
        }
    }

    /** The records of one input partition as they appear in one output partition. */
    private record Stream(String outputTopic, int outputPartition, InputPartition input) {
    }

    public void accept(ConsumerRecord<byte[], byte[]> record) {
        accept(record.topic(), record.partition(), record.offset(), record.key(), record.value(), record.headers(),
            record.timestamp());
    }

    public void accept(String topic, int partition, long offset, byte[] key, byte[] value, Headers headers,
                       long timestamp) {
        records++;
        String where = topic + "-" + partition + "@" + offset;
        Optional<RecordNumber> inKey = RecordNumber.parse(key);
        Optional<RecordNumber> found = inKey.isPresent() ? inKey : numberInHeaders(headers);
        if (found.isEmpty() || !series.contains(found.get().series())) {
            foreign++;
            example("not numbered in an expected series: " + where + found.map(n -> " carries " + n).orElse(""));
            return;
        }
        RecordNumber number = found.get();
        Numbers numbers = partitions.get(number.inputPartition());
        if (numbers == null || number.seq() >= numbers.range.to()) {
            unexpected++;
            example("unexpected: " + number + " at " + where + ", beyond "
                + (numbers == null ? "the expected partitions" : numbers.range));
            return;
        }
        if (number.seq() < numbers.range.from()) {
            return; // older than anything the input topic still holds (retention): nothing to compare it with
        }
        if (partitionsPreserved && partition != number.partition()) {
            misplaced++;
            example("misplaced: " + number + " at " + where);
        }
        compare(number, inKey.isPresent() ? Shape.PLAIN : Shape.VARIED, key, value, headers, timestamp, where);
        int index = Math.toIntExact(number.seq() - numbers.range.from());
        if (numbers.seen.get(index)) {
            duplicates++;
            numbers.duplicated.set(index);
            example("duplicate: " + number + " at " + where);
            return;
        }
        numbers.seen.set(index);
        arrived++;
        Stream stream = new Stream(topic, partition, number.inputPartition());
        Long before = highest.get(stream);
        if (before != null && before > number.seq()) {
            outOfOrder++;
            numbers.late.set(index);
            example("out of order: " + number + " after seq " + before + " at " + where);
        } else {
            highest.put(stream, number.seq());
        }
    }

    /** Rebuilds what was sent for {@code number} and counts each part that differs. */
    private void compare(RecordNumber number, Shape shape, byte[] key, byte[] value, Headers headers, long timestamp,
                         String where) {
        Long sentAt = shape == Shape.VARIED ? timestampIn(number, headers) : null;
        Sent sent = NumberedRecords.sent(number, shape, sentAt);
        List<Mismatch> differ = new ArrayList<>();
        if (!Arrays.equals(sent.key(), key)) {
            differ.add(Mismatch.KEY);
        }
        if (!Arrays.equals(sent.value(), value)) {
            differ.add(Mismatch.VALUE);
        }
        if (!sameHeaders(sent.headers(), headers)) {
            differ.add(Mismatch.HEADERS);
        }
        if (sentAt != null && sentAt != timestamp) {
            differ.add(Mismatch.TIMESTAMP);
        }
        if (!differ.isEmpty()) {
            altered++;
            differ.forEach(part -> mismatches.merge(part, 1L, Long::sum));
            example("altered " + differ + ": " + number + " at " + where);
        }
    }

    /**
     * Whether the record holds the headers that were sent, in order, byte for byte. Headers of other names (a
     * connector may add its own, e.g. provenance) are not compared.
     */
    private static boolean sameHeaders(Headers sent, Headers got) {
        Set<String> names = new HashSet<>();
        sent.forEach(header -> names.add(header.key()));
        List<Header> ours = new ArrayList<>();
        if (got != null) {
            got.forEach(header -> {
                if (names.contains(header.key())) {
                    ours.add(header);
                }
            });
        }
        Header[] expected = sent.toArray();
        if (expected.length != ours.size()) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (!expected[i].key().equals(ours.get(i).key()) || !Arrays.equals(expected[i].value(), ours.get(i).value())) {
                return false;
            }
        }
        return true;
    }

    private static Optional<RecordNumber> numberInHeaders(Headers headers) {
        if (headers == null) {
            return Optional.empty();
        }
        for (Header header : headers) {
            if (header.key().endsWith(NumberedRecords.NUMBER)) {
                Optional<RecordNumber> number = RecordNumber.parse(header.value());
                if (number.isPresent() && header.key().equals(number.get().series() + NumberedRecords.NUMBER)) {
                    return number;
                }
            }
        }
        return Optional.empty();
    }

    /** The create timestamp a varied record was sent with, from its own header; null when it has none. */
    private static Long timestampIn(RecordNumber number, Headers headers) {
        Header header = headers.lastHeader(number.series() + NumberedRecords.TIMESTAMP);
        try {
            return header == null || header.value() == null ? null
                : Long.valueOf(new String(header.value(), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void example(String text) {
        if (examples.size() < EXAMPLES) {
            examples.add(text);
        }
    }

    /** Whether every expected number has arrived. */
    public boolean complete() {
        return arrived == expected;
    }

    /** How many expected numbers have arrived so far (each once). */
    public long arrived() {
        return arrived;
    }

    public Verdict verdict() {
        Map<InputPartition, Findings> findings = new LinkedHashMap<>();
        partitions.forEach((partition, numbers) -> {
            int count = Math.toIntExact(numbers.range.count());
            BitSet missing = new BitSet();
            missing.set(0, count);
            missing.andNot(numbers.seen);
            findings.put(partition, new Findings(ranges(missing, numbers.range.from()),
                ranges(numbers.duplicated, numbers.range.from()), ranges(numbers.late, numbers.range.from())));
        });
        return new Verdict(expected, records, arrived, duplicates, outOfOrder, altered, new EnumMap<>(mismatches),
            misplaced, unexpected, foreign, findings, List.copyOf(examples));
    }

    /** The numbers {@code first + i} for each bit {@code i} as ranges ("5-9", "12"), the first few, then "...". */
    private static List<String> ranges(BitSet bits, long first) {
        List<String> ranges = new ArrayList<>();
        for (int from = bits.nextSetBit(0); from >= 0; from = bits.nextSetBit(from)) {
            if (ranges.size() == RANGES_SHOWN) {
                ranges.add("...");
                break;
            }
            int to = bits.nextClearBit(from);
            long low = first + from;
            long high = first + to - 1;
            ranges.add(low == high ? Long.toString(low) : low + "-" + high);
            from = to;
        }
        return ranges;
    }
}
