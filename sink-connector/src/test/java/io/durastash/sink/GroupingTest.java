package io.durastash.sink;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static io.durastash.sink.SinkFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GroupingTest {
    private static final Grouping BY_TENANT = new Grouping(GroupBy.HEADER, "tenant");

    @Test
    void byTopicAndByNone() {
        SinkRecord record = new SinkRecord("orders", 0, null, null, null, null, 0);
        assertEquals("orders", new Grouping(GroupBy.TOPIC, null).groupOf(record));
        assertEquals("", new Grouping(GroupBy.NONE, null).groupOf(record));
    }

    @Test
    void byHeaderReadsItsValueAsAString() {
        assertEquals("acme", BY_TENANT.groupOf(withHeaders(h -> h.addString("tenant", "acme"))));
        assertEquals("acme", BY_TENANT.groupOf(withHeaders(h -> h.addBytes("tenant", bytes("acme")))));
        assertEquals("acme", BY_TENANT.groupOf(withHeaders(h -> h.add("tenant", ByteBuffer.wrap(bytes("acme")), Schema.BYTES_SCHEMA))));
        assertEquals("42", BY_TENANT.groupOf(withHeaders(h -> h.addInt("tenant", 42))));
        assertEquals("true", BY_TENANT.groupOf(withHeaders(h -> h.add("tenant", true, null))));
    }

    @Test
    void byHeaderUsesTheLastOfDuplicatesAndTheEmptyGroupWhenAbsent() {
        assertEquals("b", BY_TENANT.groupOf(withHeaders(h -> h.addString("tenant", "a").addString("tenant", "b"))));
        assertEquals("", BY_TENANT.groupOf(withHeaders(h -> h.addString("other", "a"))));
        assertEquals("", BY_TENANT.groupOf(withHeaders(h -> h.add("tenant", null, Schema.OPTIONAL_STRING_SCHEMA))));
    }

    @Test
    void headerGroupingNeedsAHeaderName() {
        assertThrows(IllegalArgumentException.class, () -> new Grouping(GroupBy.HEADER, null));
    }

    @Test
    void groupByParsesIgnoringCase() {
        assertEquals(GroupBy.HEADER, GroupBy.parse("Header"));
        assertEquals("none", GroupBy.NONE.configValue());
    }

    private static SinkRecord withHeaders(java.util.function.Consumer<ConnectHeaders> headers) {
        ConnectHeaders h = new ConnectHeaders();
        headers.accept(h);
        return new SinkRecord("orders", 0, null, null, null, null, 0, null, null, h);
    }
}
