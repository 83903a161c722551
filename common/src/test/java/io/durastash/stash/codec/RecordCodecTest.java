package io.durastash.stash.codec;

import io.durastash.stash.model.StashRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordCodecTest {
    private final RecordCodec codec = new RecordCodec();

    static final Schema ADDRESS = SchemaBuilder.struct().name("io.durastash.Address").version(3).doc("where")
        .field("street", Schema.STRING_SCHEMA)
        .field("zip", SchemaBuilder.int32().optional().defaultValue(12345).build())
        .build();

    static final Schema EVERYTHING = SchemaBuilder.struct().name("io.durastash.Everything")
        .parameter("source", "test")
        .field("i8", Schema.INT8_SCHEMA)
        .field("i16", Schema.INT16_SCHEMA)
        .field("i32", Schema.INT32_SCHEMA)
        .field("i64", Schema.INT64_SCHEMA)
        .field("f32", Schema.FLOAT32_SCHEMA)
        .field("f64", Schema.FLOAT64_SCHEMA)
        .field("flag", Schema.BOOLEAN_SCHEMA)
        .field("text", Schema.OPTIONAL_STRING_SCHEMA)
        .field("blob", Schema.BYTES_SCHEMA)
        .field("withDefault", SchemaBuilder.string().defaultValue("fallback").build())
        .field("price", Decimal.builder(4).optional().build())
        .field("day", Date.SCHEMA)
        .field("clock", Time.SCHEMA)
        .field("instant", Timestamp.SCHEMA)
        .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
        .field("scores", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_FLOAT64_SCHEMA).build())
        .field("home", ADDRESS)
        .field("others", SchemaBuilder.array(ADDRESS).optional().build())
        .field("missing", SchemaBuilder.struct().field("x", Schema.INT32_SCHEMA).optional().build())
        .build();

    static Struct everything() {
        Map<String, Double> scores = new LinkedHashMap<>();
        scores.put("a", 1.5);
        scores.put("b", null);
        return new Struct(EVERYTHING)
            .put("i8", (byte) -7)
            .put("i16", (short) 300)
            .put("i32", Integer.MIN_VALUE)
            .put("i64", Long.MAX_VALUE)
            .put("f32", 1.25f)
            .put("f64", Double.NaN)
            .put("flag", true)
            .put("blob", new byte[] {0, 1, 2, (byte) 0xFF})
            .put("price", new BigDecimal("-1234.5678"))
            .put("day", new java.util.Date(19_000L * 24 * 3600 * 1000))
            .put("clock", new java.util.Date(3_600_000L + 42))
            .put("instant", new java.util.Date(1_700_000_000_123L))
            .put("tags", List.of("x", "y"))
            .put("scores", scores)
            .put("home", new Struct(ADDRESS).put("street", "Main"))
            .put("others", List.of(new Struct(ADDRESS).put("street", "Side").put("zip", 1)));
    }

    private StashRecord roundTrip(StashRecord record) {
        return codec.decode(codec.encode(record));
    }

    @Test
    void bytesRecordSurvivesByteExact() {
        ConnectHeaders headers = new ConnectHeaders();
        headers.add("dup", "one".getBytes(StandardCharsets.UTF_8), Schema.OPTIONAL_BYTES_SCHEMA);
        headers.add("dup", "two".getBytes(StandardCharsets.UTF_8), Schema.OPTIONAL_BYTES_SCHEMA);
        headers.add("empty", new byte[0], Schema.OPTIONAL_BYTES_SCHEMA);
        headers.add("nothing", null, Schema.OPTIONAL_BYTES_SCHEMA);
        headers.add("", new byte[] {9}, Schema.OPTIONAL_BYTES_SCHEMA);
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        StashRecord in = new StashRecord("orders", 3, 1L << 40, 1234L, TimestampType.LOG_APPEND_TIME,
            Schema.OPTIONAL_BYTES_SCHEMA, null, Schema.OPTIONAL_BYTES_SCHEMA, value, headers);

        StashRecord out = roundTrip(in);

        assertEquals("orders", out.topic());
        assertEquals(3, out.partition());
        assertEquals(1L << 40, out.offset());
        assertEquals(1234L, out.timestamp());
        assertEquals(TimestampType.LOG_APPEND_TIME, out.timestampType());
        assertEquals(Schema.OPTIONAL_BYTES_SCHEMA, out.keySchema());
        assertNull(out.key());
        assertArrayEquals(value, (byte[]) out.value());
        List<Header> outHeaders = new ArrayList<>();
        out.headers().forEach(outHeaders::add);
        assertEquals(List.of("dup", "dup", "empty", "nothing", ""), outHeaders.stream().map(Header::key).toList());
        assertArrayEquals("one".getBytes(StandardCharsets.UTF_8), (byte[]) outHeaders.get(0).value());
        assertArrayEquals("two".getBytes(StandardCharsets.UTF_8), (byte[]) outHeaders.get(1).value());
        assertArrayEquals(new byte[0], (byte[]) outHeaders.get(2).value());
        assertNull(outHeaders.get(3).value());
        assertEquals(Schema.OPTIONAL_BYTES_SCHEMA, outHeaders.get(3).schema());
    }

    @Test
    void tombstoneWithoutTimestampSurvives() {
        StashRecord in = new StashRecord("t", 0, 0, null, TimestampType.NO_TIMESTAMP_TYPE,
            Schema.OPTIONAL_BYTES_SCHEMA, new byte[] {1}, Schema.OPTIONAL_BYTES_SCHEMA, null, null);
        StashRecord out = roundTrip(in);
        assertNull(out.timestamp());
        assertNull(out.value());
        assertEquals(TimestampType.NO_TIMESTAMP_TYPE, out.timestampType());
        assertTrue(out.headers().isEmpty());
    }

    @Test
    void nestedStructWithEveryLogicalTypeSurvivesEqual() {
        Struct value = everything();
        value.validate();
        StashRecord in = new StashRecord("t", 0, 5, 10L, TimestampType.CREATE_TIME,
            Schema.STRING_SCHEMA, "key", EVERYTHING, value, null);

        StashRecord out = roundTrip(in);

        assertEquals(EVERYTHING, out.valueSchema());
        assertEquals(value, out.value());
        assertEquals("fallback", ((Struct) out.value()).get("withDefault"));
        assertNull(((Struct) out.value()).getWithoutDefault("withDefault"));
        assertEquals(12345, ((Struct) ((Struct) out.value()).get("home")).get("zip"));
        assertEquals(Schema.STRING_SCHEMA, out.keySchema());
        assertEquals("key", out.key());
    }

    @Test
    void schemasAreCachedButRecordsStayIndependent() {
        for (int i = 0; i < 3; i++) {
            Struct value = everything().put("i32", i);
            StashRecord out = roundTrip(new StashRecord("t", 0, i, null, null, null, null, EVERYTHING, value, null));
            assertEquals(i, ((Struct) out.value()).get("i32"));
        }
    }

    @Test
    void schemalessValuesSurvive() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("n", 1L);
        value.put("d", 2.5);
        value.put("s", "text");
        value.put("nil", null);
        value.put("list", Arrays.asList(1, "two", null, true));
        value.put("nested", Map.of("k", List.of()));
        value.put("bytes", ByteBuffer.wrap(new byte[] {4, 5}));
        value.put("struct", new Struct(ADDRESS).put("street", "S"));
        value.put("decimal", new BigDecimal("3.14"));
        StashRecord out = roundTrip(new StashRecord("t", 0, 0, null, null, null, "k", null, value, null));

        @SuppressWarnings("unchecked")
        Map<String, Object> decoded = (Map<String, Object>) out.value();
        assertEquals(1L, decoded.get("n"));
        assertEquals(2.5, decoded.get("d"));
        assertEquals(Arrays.asList(1, "two", null, true), decoded.get("list"));
        assertArrayEquals(new byte[] {4, 5}, (byte[]) decoded.get("bytes"));
        assertEquals(new Struct(ADDRESS).put("street", "S"), decoded.get("struct"));
        assertEquals(new BigDecimal("3.14"), decoded.get("decimal"));
        assertTrue(decoded.containsKey("nil"));
        assertEquals("k", out.key());
    }

    @Test
    void typedHeadersFromTheDefaultHeaderConverterSurvive() {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addInt("count", 7);
        headers.addString("name", "x");
        headers.addMap("m", Map.of("a", 1), SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build());
        headers.add("schemaless", 1.5, null);
        StashRecord out = roundTrip(new StashRecord("t", 0, 0, null, null, null, null, null, null, headers));
        assertEquals(headers, out.headers());
    }

    @Test
    void aFlippedBitFailsTheChecksum() {
        byte[] bytes = codec.encode(new StashRecord("t", 0, 0, null, null, Schema.STRING_SCHEMA, "k", Schema.STRING_SCHEMA, "v", null));
        for (int i = 0; i < bytes.length; i++) {
            byte[] damaged = bytes.clone();
            damaged[i] ^= 0x10;
            assertThrows(CorruptEntryException.class, () -> codec.decode(damaged), "flip at byte " + i);
        }
        assertThrows(CorruptEntryException.class, () -> codec.decode(Arrays.copyOf(bytes, 3)));
        assertThrows(CorruptEntryException.class, () -> codec.decode(Arrays.copyOf(bytes, bytes.length - 1)));
    }

    @Test
    void valuesThatCannotBeEncodedSayWhy() {
        RecordEncodingException unsupported = assertThrows(RecordEncodingException.class, () -> codec.encode(
            new StashRecord("t", 0, 0, null, null, null, null, null, UUID.randomUUID(), null)));
        assertTrue(unsupported.getMessage().contains("java.util.UUID"), unsupported.getMessage());

        RecordEncodingException mismatch = assertThrows(RecordEncodingException.class, () -> codec.encode(
            new StashRecord("t", 0, 0, null, null, null, null, Schema.INT32_SCHEMA, "not an int", null)));
        assertTrue(mismatch.getMessage().contains("INT32"), mismatch.getMessage());
    }

    @Test
    void theCodecIsReusableAfterAFailure() {
        assertThrows(RecordEncodingException.class, () -> codec.encode(
            new StashRecord("t", 0, 0, null, null, null, null, null, new Object(), null)));
        StashRecord out = roundTrip(new StashRecord("t", 1, 2, null, null, null, null, Schema.STRING_SCHEMA, "ok", null));
        assertEquals("ok", out.value());
    }
}
