package io.durastash.connect;

import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopMarkTest {
    private final LoopMark here = new LoopMark(UUID.randomUUID());
    private final LoopMark elsewhere = new LoopMark(UUID.randomUUID());

    @Test
    void aRecordMarkedHereIsRecognisedAndOneMarkedElsewhereIsNot() {
        Headers headers = new ConnectHeaders().addString("app", "x");
        elsewhere.addTo(headers);
        assertFalse(here.marks(headers));
        here.addTo(headers);
        here.addTo(headers);
        assertTrue(here.marks(headers));
        assertTrue(elsewhere.marks(headers), "the marks of stashes passed before stay");
        assertEquals(3, headers.size(), "one mark per stash");
    }

    @Test
    void theMarkIsRecognisedAfterARoundTripThroughSimpleHeaderConverter() {
        Headers headers = new ConnectHeaders();
        here.addTo(headers);
        try (SimpleHeaderConverter converter = new SimpleHeaderConverter()) {
            converter.configure(Map.of());
            byte[] written = converter.fromConnectHeader("t", LoopMark.HEADER, headers.lastWithName(LoopMark.HEADER).schema(),
                headers.lastWithName(LoopMark.HEADER).value());
            Headers read = new ConnectHeaders();
            read.add(LoopMark.HEADER, converter.toConnectHeader("t", LoopMark.HEADER, written));
            assertTrue(here.marks(read), "read back as " + read.lastWithName(LoopMark.HEADER).value());
            assertFalse(elsewhere.marks(read));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
