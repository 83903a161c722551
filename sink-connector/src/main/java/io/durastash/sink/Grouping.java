package io.durastash.sink;

import org.apache.kafka.connect.data.Values;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Names the stash batch group of a record, as {@code group.by} and {@code group.by.header} say. */
public final class Grouping {
    /** The group of every record with {@code group.by=none}, and of records without the grouping header. */
    public static final String NO_GROUP = "";

    private final GroupBy groupBy;
    private final String header;

    public Grouping(GroupBy groupBy, String header) {
        this.groupBy = Objects.requireNonNull(groupBy, "groupBy");
        if (groupBy == GroupBy.HEADER && header == null) {
            throw new IllegalArgumentException("grouping by header needs a header name");
        }
        this.header = header;
    }

    public String groupOf(SinkRecord record) {
        switch (groupBy) {
            case TOPIC:
                return record.topic();
            case HEADER:
                return headerValue(record.headers().lastWithName(header));
            default:
                return NO_GROUP;
        }
    }

    private static String headerValue(Header header) {
        if (header == null || header.value() == null) {
            return NO_GROUP;
        }
        Object value = header.value();
        if (value instanceof String) {
            return (String) value;
        }
        if (value instanceof byte[]) {
            return new String((byte[]) value, StandardCharsets.UTF_8);
        }
        if (value instanceof ByteBuffer) {
            ByteBuffer bytes = ((ByteBuffer) value).duplicate();
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            return new String(copy, StandardCharsets.UTF_8);
        }
        return Values.convertToString(header.schema(), value);
    }

    @Override
    public String toString() {
        return groupBy == GroupBy.HEADER ? "header " + header : groupBy.configValue();
    }
}
