package io.durastash.source;

import io.durastash.stash.StashRegistry;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.BatchRecord;
import io.durastash.stash.model.StashRecord;
import io.durastash.stash.testing.TestDrainer;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ProvenanceHeadersTest {
    @TempDir
    Path dir;

    private ConnectHeaders headersOfSecondRecord(ConnectHeaders existing) {
        try (TestStash stash = new TestStash(dir)) {
            StashRecord record = TestStash.record("in", 3, 77);
            BatchMetadata batch = stash.append(List.of(TestStash.record("in", 3, 76), record));
            TestDrainer drainer = TestDrainer.active(stash.stash());
            BatchRecord entry = drainer.drainAll().get(1).record();
            drainer.drainer().stop();
            new ProvenanceHeaders("durastash.").addTo(existing, batch, entry);
            assertEquals(0, StashRegistry.jvm().holders(stash.path) - 1);
            return existing;
        }
    }

    @Test
    void survivesByteArrayConverterAsText() {
        ConnectHeaders headers = headersOfSecondRecord(new ConnectHeaders());
        ByteArrayConverter converter = new ByteArrayConverter();
        converter.configure(Map.of(), false);
        Map<String, String> wire = new java.util.HashMap<>();
        for (Header h : headers) {
            wire.put(h.key(), new String(converter.fromConnectHeader("out", h.key(), h.schema(), h.value()), StandardCharsets.UTF_8));
        }
        assertEquals("1", wire.get("durastash.batch.index"));
        assertEquals("2", wire.get("durastash.batch.size"));
        assertEquals("in", wire.get("durastash.input.topic"));
        assertEquals("3", wire.get("durastash.input.partition"));
        assertEquals("77", wire.get("durastash.input.offset"));
        assertEquals(6, wire.size());
    }

    @Test
    void survivesSimpleHeaderConverterAsBase64Text() {
        ConnectHeaders headers = headersOfSecondRecord(new ConnectHeaders());
        SimpleHeaderConverter converter = new SimpleHeaderConverter();
        converter.configure(Map.of());
        Header offset = headers.lastWithName("durastash.input.offset");
        byte[] wire = converter.fromConnectHeader("out", offset.key(), offset.schema(), offset.value());
        assertEquals("77", new String(Base64.getDecoder().decode(wire), StandardCharsets.UTF_8));
        SchemaAndValue back = converter.toConnectHeader("out", offset.key(), wire);
        assertEquals(new String(wire, StandardCharsets.UTF_8), back.value(), "read back as the Base64 string");
    }

    @Test
    void replacesHeadersOfTheSameKeyAndKeepsOthers() {
        ConnectHeaders existing = new ConnectHeaders();
        existing.addString("durastash.batch.id", "from an upstream pipeline");
        existing.addString("other", "kept");
        ConnectHeaders headers = headersOfSecondRecord(existing);
        List<String> keys = new ArrayList<>();
        headers.forEach(h -> keys.add(h.key()));
        assertEquals(1, keys.stream().filter("durastash.batch.id"::equals).count());
        assertEquals("kept", headers.lastWithName("other").value());
        assertArrayEquals("1".getBytes(StandardCharsets.UTF_8), (byte[]) headers.lastWithName("durastash.batch.index").value());
    }
}
