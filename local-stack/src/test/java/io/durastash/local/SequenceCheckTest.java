package io.durastash.local;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequenceCheckTest {
    private static final int SIZE = 40;

    @Test
    void allInOrderPasses() {
        SequenceCheck check = new SequenceCheck(Map.of(0, new long[] {0, 3}, 1, new long[] {0, 2}), true);
        for (long seq = 0; seq < 3; seq++) {
            deliver(check, 0, 0, seq);
        }
        deliver(check, 1, 1, 0);
        assertFalse(check.complete());
        deliver(check, 1, 1, 1);
        assertTrue(check.complete());
        Verdict verdict = check.verdict();
        assertTrue(verdict.passed(), verdict.describe("in", "out"));
        assertEquals(5, verdict.expected());
        assertTrue(verdict.describe("in", "out").startsWith("Verdict: PASS. All 5 records"));
    }

    @Test
    void redeliveryCountsDuplicatesButPasses() {
        SequenceCheck check = new SequenceCheck(Map.of(0, new long[] {0, 4}), true);
        for (long seq : new long[] {0, 1, 2, 1, 2, 3}) {
            deliver(check, 0, 0, seq);
        }
        Verdict verdict = check.verdict();
        assertTrue(verdict.passed());
        assertEquals(2, verdict.duplicates());
    }

    @Test
    void gapsReorderingAndAlterationFail() {
        SequenceCheck check = new SequenceCheck(Map.of(0, new long[] {10, 20}), true);
        for (long seq : new long[] {10, 12, 11, 13, 14}) {
            deliver(check, 0, 0, seq);
        }
        DemoRecords.Id altered = new DemoRecords.Id(0, 15, SIZE);
        check.accept(0, DemoRecords.key(altered), "changed".getBytes(StandardCharsets.UTF_8),
            DemoRecords.headers(altered));
        deliver(check, 0, 0, 18);
        deliver(check, 0, 0, 19);
        check.accept(0, "not-a-demo-record".getBytes(StandardCharsets.UTF_8), new byte[0], new RecordHeaders());
        Verdict verdict = check.verdict();
        assertFalse(verdict.passed());
        assertEquals(2, verdict.missing());
        assertEquals(1, verdict.outOfOrder());
        assertEquals(1, verdict.altered());
        assertEquals(1, verdict.foreign());
        assertEquals(Map.of(0, List.of("16-17")), verdict.missingRanges());
    }

    @Test
    void aRecordInAnotherPartitionIsMisplaced() {
        SequenceCheck check = new SequenceCheck(Map.of(0, new long[] {0, 1}), true);
        deliver(check, 2, 0, 0);
        assertEquals(1, check.verdict().misplaced());
        assertFalse(check.verdict().passed());
    }

    @Test
    void aHeaderConvertedToTextIsAnAlteration() {
        DemoRecords.Id id = new DemoRecords.Id(0, 7, SIZE);
        RecordHeaders rewritten = new RecordHeaders();
        DemoRecords.headers(id).forEach(h -> rewritten.add(h.key(),
            new String(h.value(), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8)));
        assertFalse(DemoRecords.intact(id, DemoRecords.value(id), rewritten));
        assertTrue(DemoRecords.intact(id, DemoRecords.value(id), DemoRecords.headers(id)));
    }

    private static void deliver(SequenceCheck check, int outputPartition, int inputPartition, long seq) {
        DemoRecords.Id id = new DemoRecords.Id(inputPartition, seq, SIZE);
        check.accept(outputPartition, DemoRecords.key(id), DemoRecords.value(id), DemoRecords.headers(id));
    }
}
