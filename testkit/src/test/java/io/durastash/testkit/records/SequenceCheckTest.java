package io.durastash.testkit.records;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The check must catch what it claims to catch, or a green end-to-end test proves nothing. */
class SequenceCheckTest {
    private static final NumberedRecords IN = NumberedRecords.of("in").withValueBytes(40);

    @Test
    void allRecordsOnceInOrderIsExactlyOnce() {
        SequenceCheck check = SequenceCheck.of(counts("in", 3, 2));
        for (long seq = 0; seq < 3; seq++) {
            deliver(check, IN, 0, 0, seq);
        }
        deliver(check, IN, 1, 1, 0);
        assertFalse(check.complete());
        deliver(check, IN, 1, 1, 1);
        assertTrue(check.complete());
        Verdict verdict = check.verdict();
        assertDoesNotThrow(verdict::requireExactlyOnce);
        assertEquals(5, verdict.expected());
        assertEquals(Map.of(), verdict.missingRanges());
    }

    @Test
    void reportsMissingNumbersAsRangesPerPartition() {
        SequenceCheck check = SequenceCheck.of(counts("in", 5, 5));
        for (long seq : new long[] {0, 3}) {
            deliver(check, IN, 0, 0, seq);
        }
        for (long seq = 0; seq < 5; seq++) {
            deliver(check, IN, 1, 1, seq);
        }
        Verdict verdict = check.verdict();
        assertEquals(3, verdict.missing());
        assertEquals(Map.of(new InputPartition("in", 0), List.of("1-2", "4")), verdict.missingRanges());
        assertThrows(AssertionError.class, verdict::requireAtLeastOnce);
        assertTrue(verdict.toString().contains("in:0 missing [1-2, 4]"), verdict.toString());
    }

    @Test
    void numbersBelowTheExpectedRangeAreOlderThanRetentionAndNotCompared() {
        SequenceCheck check = SequenceCheck.of(range("in", 10, 20));
        deliver(check, IN, 0, 0, 3);
        for (long seq = 10; seq < 20; seq++) {
            deliver(check, IN, 0, 0, seq);
        }
        assertDoesNotThrow(check.verdict()::requireExactlyOnce);
    }

    @Test
    void replayAfterCrashIsDuplicatesNotDisorderAndNamesThem() {
        SequenceCheck check = SequenceCheck.of(counts("in", 5));
        for (long seq : new long[] {0, 1, 2, 3, 1, 2, 3, 4}) {
            deliver(check, IN, 0, 0, seq);
        }
        Verdict verdict = check.verdict();
        assertEquals(0, verdict.missing());
        assertEquals(3, verdict.duplicates());
        assertEquals(0, verdict.outOfOrder());
        assertEquals(List.of("1-3"), verdict.findings().get(new InputPartition("in", 0)).duplicated());
        assertDoesNotThrow(verdict::requireAtLeastOnce);
        assertThrows(AssertionError.class, verdict::requireExactlyOnce);
    }

    @Test
    void aNewNumberAfterAHigherOneIsOutOfOrderAndNamed() {
        SequenceCheck check = SequenceCheck.of(counts("in", 5));
        for (long seq : new long[] {0, 2, 1, 3, 4}) {
            deliver(check, IN, 0, 0, seq);
        }
        Verdict verdict = check.verdict();
        assertTrue(verdict.complete());
        assertEquals(1, verdict.outOfOrder());
        assertEquals(List.of("1"), verdict.findings().get(new InputPartition("in", 0)).outOfOrder());
        assertThrows(AssertionError.class, verdict::requireAtLeastOnce);
    }

    @Test
    void orderIsJudgedPerOutputPartition() {
        SequenceCheck check = SequenceCheck.of(counts("in", 5), false);
        // input partition 0 split over two output partitions, each in order: not a violation
        for (long seq : new long[] {0, 2, 4}) {
            deliver(check, IN, 0, 0, seq);
        }
        for (long seq : new long[] {1, 3}) {
            deliver(check, IN, 1, 0, seq);
        }
        Verdict verdict = check.verdict();
        assertEquals(0, verdict.outOfOrder());
        assertEquals(0, verdict.misplaced());
    }

    @Test
    void aRecordInAnotherPartitionThanItsInputPartitionIsMisplaced() {
        SequenceCheck check = SequenceCheck.of(counts("in", 1));
        deliver(check, IN, 2, 0, 0);
        assertEquals(1, check.verdict().misplaced());
        assertFalse(check.verdict().inOrderAndIntact());
    }

    @Test
    void alteredValuesUnexpectedNumbersAndForeignRecordsAreCounted() {
        SequenceCheck check = SequenceCheck.of(counts("in", 10));
        ProducerRecord<byte[], byte[]> record = IN.record("in", 0, 0);
        byte[] value = record.value().clone();
        value[3] ^= 1;
        check.accept("out", 0, 0, record.key(), value, record.headers(), -1L);
        check.accept("out", 0, 1, "hello".getBytes(StandardCharsets.UTF_8), new byte[0], new RecordHeaders(), -1L);
        ProducerRecord<byte[], byte[]> beyond = IN.record("in", 0, 99);
        check.accept("out", 0, 2, beyond.key(), beyond.value(), beyond.headers(), -1L);
        ProducerRecord<byte[], byte[]> otherSeries = NumberedRecords.of("other").record("other", 0, 0);
        check.accept("out", 0, 3, otherSeries.key(), otherSeries.value(), otherSeries.headers(), -1L);
        Verdict verdict = check.verdict();
        assertEquals(1, verdict.altered());
        assertEquals(Map.of(Verdict.Mismatch.VALUE, 1L), verdict.mismatches());
        assertEquals(1, verdict.unexpected());
        assertEquals(2, verdict.foreign());
        assertTrue(verdict.toString().contains("altered [VALUE]: in-0-0-40 at out-0@0"), verdict.toString());
    }

    @Test
    void aHeaderConvertedToTextIsAnAlteration() {
        SequenceCheck check = SequenceCheck.of(counts("in", 1));
        ProducerRecord<byte[], byte[]> record = IN.record("in", 0, 0);
        RecordHeaders rewritten = new RecordHeaders();
        record.headers().forEach(h -> rewritten.add(h.key(),
            new String(h.value(), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8)));
        check.accept("out", 0, 0, record.key(), record.value(), rewritten, -1L);
        assertEquals(Map.of(Verdict.Mismatch.HEADERS, 1L), check.verdict().mismatches());
    }

    @Test
    void headersAConnectorAddsAreNotCompared() {
        SequenceCheck check = SequenceCheck.of(counts("in", 1));
        ProducerRecord<byte[], byte[]> record = IN.record("in", 0, 0);
        record.headers().add("durastash.batch.id", new byte[] {7});
        check.accept("out", 0, 0, record.key(), record.value(), record.headers(), -1L);
        assertDoesNotThrow(check.verdict()::requireExactlyOnce);
    }

    @Test
    void variedRecordsCarryTheirNumberInAHeaderAndAreComparedWhole() {
        NumberedRecords varied = NumberedRecords.of("in").varied();
        SequenceCheck check = SequenceCheck.of(counts("in", 20));
        for (long seq = 0; seq < 20; seq++) {
            ProducerRecord<byte[], byte[]> record = varied.record("in", 0, seq);
            long timestamp = seq == 7 ? record.timestamp() + 1 : record.timestamp();
            check.accept("out", 0, seq, record.key(), record.value(), record.headers(), timestamp);
        }
        Verdict verdict = check.verdict();
        assertTrue(verdict.complete(), verdict.toString());
        assertEquals(Map.of(Verdict.Mismatch.TIMESTAMP, 1L), verdict.mismatches());
        assertEquals(null, varied.record("in", 0, 0).key());
        assertEquals(null, varied.record("in", 0, 13).value(), "every tenth value is a tombstone");
    }

    @Test
    void theDemoSeriesWritesWhatTheLaunchersDemoAlwaysWrote() {
        ProducerRecord<byte[], byte[]> record = NumberedRecords.of("demo").record("durastash-demo-in", 2, 70_000);
        assertEquals("demo-2-70000-100", new String(record.key(), StandardCharsets.US_ASCII));
        assertEquals("durastash demo record p=2 seq=70000 CDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz"
            + "ABCD", new String(record.value(), StandardCharsets.US_ASCII));
        assertEquals("70000", new String(record.headers().lastHeader("demo.seq").value(), StandardCharsets.US_ASCII));
        assertEquals(List.of(0, 0xFF, 0xFE, 0x70, 0x11, 0x01),
            toInts(record.headers().lastHeader("demo.bytes").value()));
    }

    @Test
    void recordNumbersRoundTripAndTellOtherTextApart() {
        RecordNumber number = new RecordNumber("my.topic_1-x", 7, 123_456_789_012L, 100);
        assertEquals(number, RecordNumber.parse(number.toBytes()).orElseThrow());
        assertTrue(RecordNumber.parse("key-17".getBytes(StandardCharsets.US_ASCII)).isEmpty());
        assertTrue(RecordNumber.parse("a-b-c-d".getBytes(StandardCharsets.US_ASCII)).isEmpty());
        assertTrue(RecordNumber.parse(null).isEmpty());
    }

    /** Partitions 0, 1, ... of {@code series} with the numbers 0 up to their count each. */
    private static Expected counts(String series, long... countPerPartition) {
        Map<InputPartition, Expected.Range> ranges = new LinkedHashMap<>();
        for (int p = 0; p < countPerPartition.length; p++) {
            ranges.put(new InputPartition(series, p), new Expected.Range(0, countPerPartition[p]));
        }
        return new Expected(ranges);
    }

    /** Partition 0 of {@code series} with the numbers {@code [from, to)}. */
    private static Expected range(String series, long from, long to) {
        return new Expected(Map.of(new InputPartition(series, 0), new Expected.Range(from, to)));
    }

    private static void deliver(SequenceCheck check, NumberedRecords records, int outputPartition, int inputPartition,
                                long seq) {
        ProducerRecord<byte[], byte[]> record = records.record("in", inputPartition, seq);
        check.accept("out", outputPartition, -1, record.key(), record.value(), record.headers(), -1L);
    }

    private static List<Integer> toInts(byte[] bytes) {
        List<Integer> ints = new java.util.ArrayList<>();
        for (byte b : bytes) {
            ints.add(b & 0xFF);
        }
        return ints;
    }
}
