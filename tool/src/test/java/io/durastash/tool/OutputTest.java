package io.durastash.tool;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the tool prints of counts: "1 batches" reads badly. */
class OutputTest {
    @Test
    void aCountTakesTheNounInItsNumber() {
        assertEquals("1 batch", Output.count(1, "batch"));
        assertEquals("0 batches", Output.count(0, "batch"));
        assertEquals("2 batches", Output.count(2, "batch"));
        assertEquals("1 record", Output.count(1, "record"));
        assertEquals("20000 records", Output.count(20_000, "record"));
        assertEquals("1 entry", Output.count(1, "entry"));
        assertEquals("3 entries", Output.count(3, "entry"));
    }
}
