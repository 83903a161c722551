package io.durastash.stash.internals;

import io.durastash.stash.codec.CorruptEntryException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Damaged metadata is named on one line: the quarantine's reason and 'quarantine list' show it as it is. */
class StashJsonTest {
    @Test
    void metadataThatDoesNotParseIsNamedOnOneLine() {
        byte[] damaged = "{\"id\": 7, \"offsets\": [{\"topic\" \"t\"}]}".getBytes(StandardCharsets.UTF_8);
        CorruptEntryException e = assertThrows(CorruptEntryException.class, () -> StashJson.readMetadata(7, damaged));
        assertTrue(e.getMessage().startsWith("metadata does not parse: Unexpected character"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}
