package io.durastash.integration;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The check must catch what it claims to catch, or a green integration test proves nothing. */
class SequenceCheckTest {
    private static final NumberedRecords INPUT = NumberedRecords.of("in", 2, 10).withValueBytes(16);

    @Test
    void allRecordsOnceInOrderIsExactlyOnce() {
        SequenceCheck check = SequenceCheck.of(INPUT);
        for (long i = 0; i < INPUT.count(); i++) {
            deliver(check, i, "out", (int) (i % 2));
        }
        assertTrue(check.complete());
        assertDoesNotThrow(check::assertExactlyOnce);
    }

    @Test
    void reportsMissingNumbersAsRangesPerPartition() {
        SequenceCheck check = SequenceCheck.of(INPUT);
        // partition 0 holds indexes 0,2,4,6,8 = seq 0..4; drop seq 1..2 and 4
        for (long i : new long[] {0, 6, 1, 3, 5, 7, 9}) {
            deliver(check, i, "out", 0);
        }
        assertEquals(3, check.missing());
        assertEquals(Map.of("in:0", List.of("1..2", "4")), check.missingRanges());
        assertThrows(AssertionError.class, check::assertAtLeastOnce);
    }

    @Test
    void replayAfterCrashIsDuplicatesNotDisorder() {
        SequenceCheck check = SequenceCheck.of(INPUT);
        for (long i : new long[] {0, 2, 4, 6, 2, 4, 6, 8}) { // partition 0: seq 0..3, then 1..4 again
            deliver(check, i, "out", 0);
        }
        for (long i = 1; i < 10; i += 2) {
            deliver(check, i, "out", 1);
        }
        assertEquals(0, check.missing());
        assertEquals(3, check.duplicates());
        assertEquals(0, check.outOfOrder());
        assertDoesNotThrow(check::assertAtLeastOnce);
        assertThrows(AssertionError.class, check::assertExactlyOnce);
    }

    @Test
    void newNumberAfterAHigherOneIsOutOfOrder() {
        SequenceCheck check = SequenceCheck.of(INPUT);
        for (long i : new long[] {0, 4, 2, 6, 8, 1, 3, 5, 7, 9}) {
            deliver(check, i, "out", 0);
        }
        assertTrue(check.complete());
        assertEquals(1, check.outOfOrder());
        assertThrows(AssertionError.class, check::assertAtLeastOnce);
    }

    @Test
    void orderIsPerOutputPartition() {
        SequenceCheck check = SequenceCheck.of(INPUT);
        // input partition 0 split over two output partitions, each in order: not a violation
        for (long i : new long[] {0, 4, 8}) {
            deliver(check, i, "out", 0);
        }
        for (long i : new long[] {2, 6}) {
            deliver(check, i, "out", 1);
        }
        assertEquals(0, check.outOfOrder());
    }

    @Test
    void detectsAlteredValuesAndForeignRecords() {
        SequenceCheck check = SequenceCheck.of(INPUT);
        RecordNumber number = INPUT.number(0);
        byte[] value = INPUT.value(number);
        value[3] ^= 1;
        check.add("out", 0, 0, number.toBytes(), value, new RecordHeaders(), -1L);
        check.add("out", 0, 1, "hello".getBytes(), new byte[0], new RecordHeaders(), -1L);
        check.add("out", 0, 2, new RecordNumber("in", 0, 99).toBytes(), new byte[0], new RecordHeaders(), -1L);
        assertEquals(1, check.altered());
        assertEquals(2, check.foreign());
        assertFalse(check.toString().isEmpty());
    }

    @Test
    void readsNumbersFromHeaders() {
        NumberedRecords input = NumberedRecords.of("in", 1, 3).numberedIn(NumberedRecords.Carrier.HEADER);
        SequenceCheck check = SequenceCheck.of(input);
        for (long i = 0; i < 3; i++) {
            var record = input.record(i);
            check.add("out", 0, i, record.key(), record.value(), record.headers(), -1L);
        }
        assertDoesNotThrow(check::assertExactlyOnce);
    }

    @Test
    void recordNumberRoundTrips() {
        RecordNumber number = new RecordNumber("my.topic_1-x", 7, 123_456_789_012L);
        assertEquals(number, RecordNumber.parse(number.toBytes()));
        assertThrows(IllegalArgumentException.class, () -> RecordNumber.parse("7:1".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> RecordNumber.parse("a:b:c".getBytes()));
    }

    private static void deliver(SequenceCheck check, long index, String topic, int partition) {
        var record = INPUT.record(index);
        check.add(topic, partition, -1, record.key(), record.value(), record.headers(), -1L);
    }
}
