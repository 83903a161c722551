package io.durastash.tool;

import io.durastash.stash.inspect.InspectedRecord;
import io.durastash.stash.model.StashRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Header;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the tool shows a stashed record. Keys, values and header values are rendered with a format that says how
 * to read them: {@code utf8} (bytes that are printable UTF-8, shown as text), {@code base64} (other bytes),
 * {@code string}, {@code number}, {@code boolean}, {@code text} (structs, maps, arrays and logical types, as
 * Connect prints them) or {@code null}.
 */
final class RecordView {
    /** A rendered value and its format. */
    record Rendered(Object value, String format) {
        /** For text output: base64 gets a prefix, text is kept on one line. */
        String display() {
            if (value == null) {
                return "null";
            }
            if (format.equals("base64")) {
                return "base64:" + value;
            }
            return String.valueOf(value).replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
        }
    }

    private RecordView() {
    }

    static Rendered render(Object value) {
        if (value == null) {
            return new Rendered(null, "null");
        }
        if (value instanceof byte[] bytes) {
            return bytes(bytes);
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return bytes(bytes);
        }
        if (value instanceof String s) {
            return new Rendered(s, "string");
        }
        if (value instanceof Number n && !(value instanceof java.math.BigDecimal)) {
            return new Rendered(n, "number");
        }
        if (value instanceof Boolean b) {
            return new Rendered(b, "boolean");
        }
        return new Rendered(String.valueOf(value), "text");
    }

    private static Rendered bytes(byte[] bytes) {
        String text = printableUtf8(bytes);
        return text != null ? new Rendered(text, "utf8") : new Rendered(Base64.getEncoder().encodeToString(bytes), "base64");
    }

    /** The bytes as text when they are valid UTF-8 without control characters (tabs and line breaks allowed). */
    static String printableUtf8(byte[] bytes) {
        String text;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes));
            text = chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
                return null;
            }
        }
        return text;
    }

    static String schema(Schema schema) {
        if (schema == null) {
            return null;
        }
        return schema.type() + (schema.name() != null ? " " + schema.name() : "") + (schema.isOptional() ? " (optional)" : "");
    }

    /** A record as JSON fields, or its index and damage when it does not pass. */
    static Map<String, Object> json(InspectedRecord scanned) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("index", scanned.index());
        json.put("storedBytes", scanned.storedBytes());
        if (scanned.damaged()) {
            json.put("damaged", scanned.damage());
            return json;
        }
        StashRecord record = scanned.record();
        json.put("topic", record.topic());
        json.put("partition", record.partition());
        json.put("offset", record.offset());
        json.put("timestamp", record.timestamp());
        json.put("timestampType", record.timestampType().toString());
        List<Map<String, Object>> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            Rendered value = render(header.value());
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("key", header.key());
            h.put("value", value.value());
            h.put("format", value.format());
            headers.add(h);
        }
        json.put("headers", headers);
        Rendered key = render(record.key());
        json.put("key", key.value());
        json.put("keyFormat", key.format());
        json.put("keySchema", schema(record.keySchema()));
        Rendered value = render(record.value());
        json.put("value", value.value());
        json.put("valueFormat", value.format());
        json.put("valueSchema", schema(record.valueSchema()));
        return json;
    }

    /** A record as indented text lines. */
    static List<String> text(InspectedRecord scanned) {
        List<String> lines = new ArrayList<>();
        if (scanned.damaged()) {
            lines.add("#" + scanned.index() + " DAMAGED (" + scanned.storedBytes() + " bytes): " + scanned.damage());
            return lines;
        }
        StashRecord record = scanned.record();
        lines.add("#" + scanned.index() + " " + record.topic() + "-" + record.partition() + "@" + record.offset()
            + "  timestamp=" + (record.timestamp() == null ? "none" : Output.instant(record.timestamp()) + " (" + record.timestampType() + ")"));
        StringBuilder headers = new StringBuilder();
        for (Header header : record.headers()) {
            headers.append(headers.length() == 0 ? "" : ", ").append(header.key()).append('=').append(render(header.value()).display());
        }
        if (headers.length() > 0) {
            lines.add("   headers: " + headers);
        }
        lines.add("   key:     " + render(record.key()).display());
        lines.add("   value:   " + render(record.value()).display());
        return lines;
    }
}
