package io.durastash.connect;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeaderBytesTest {
    @Test
    void onlyTheByteArrayConverterKeepsHeadersAsTheyAre() {
        assertEquals(Optional.empty(), HeaderBytes.problem(Map.of("header.converter", HeaderBytes.BYTE_ARRAY_CONVERTER)));
        String unset = HeaderBytes.problem(Map.of()).orElseThrow();
        assertTrue(unset.contains("is not set") && unset.contains(HeaderBytes.BYTE_ARRAY_CONVERTER), unset);
        String simple = HeaderBytes.problem(Map.of("header.converter",
            "org.apache.kafka.connect.storage.SimpleHeaderConverter")).orElseThrow();
        assertTrue(simple.contains("is org.apache.kafka.connect.storage.SimpleHeaderConverter"), simple);
    }
}
