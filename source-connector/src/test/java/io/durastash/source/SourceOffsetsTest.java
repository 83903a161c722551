package io.durastash.source;

import io.durastash.stash.model.StashPosition;

import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceOffsetsTest {
    @Test
    void anEmittedOffsetIsAnOrdinaryMapToConnect() {
        Map<String, Object> offset = SourceOffsets.offset(new StashPosition(12, 3), new org.apache.kafka.common.TopicPartition("in", 0), 40);
        Map<String, Object> plain = Map.of("batch", 12L, "index", 3);

        assertEquals(plain, offset);
        assertEquals(offset, plain);
        assertEquals(plain.hashCode(), offset.hashCode());
        assertEquals(plain, new HashMap<>(offset), "copied entry by entry, as the offset store does");
        assertEquals(12L, offset.get("batch"));
        assertEquals(3, offset.get("index"));
        assertNull(offset.get("stash"));
        assertEquals(new StashPosition(12, 3), SourceOffsets.position(offset));
    }

    @Test
    void theBatchIdIsReadFromEmittedAndFromStoredOffsets() {
        assertEquals(12L, SourceOffsets.batchId(SourceOffsets.offset(new StashPosition(12, 3), new org.apache.kafka.common.TopicPartition("in", 0), 40)));
        assertEquals(12L, SourceOffsets.batchId(Map.of("batch", 12, "index", 3)));
        assertThrows(IllegalArgumentException.class, () -> SourceOffsets.batchId(Map.of("other", 1)));
    }

    @Test
    void anOffsetWithOtherKeysIsRejectedByName() {
        ConnectException e = assertThrows(ConnectException.class,
            () -> SourceOffsets.position(Map.of("batch", 1L, "index", 0, "extra", 1)));
        assertTrue(e.getMessage().contains("'batch'"), e.getMessage());
    }
}
