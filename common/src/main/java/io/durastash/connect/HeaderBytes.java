package io.durastash.connect;

import java.util.Map;
import java.util.Optional;

/**
 * Whether a connector of the pair keeps record headers byte for byte: only with {@code header.converter} set to
 * Kafka's {@code ByteArrayConverter}. Without it the worker's default ({@code SimpleHeaderConverter}, unless the worker
 * sets another) parses header bytes as typed values and writes them back, which can change them.
 */
public final class HeaderBytes {
    public static final String HEADER_CONVERTER = "header.converter";
    public static final String BYTE_ARRAY_CONVERTER = "org.apache.kafka.connect.converters.ByteArrayConverter";

    private HeaderBytes() {
    }

    /** What to warn of for the connector config {@code props}; empty when its headers pass byte for byte. */
    public static Optional<String> problem(Map<String, String> props) {
        String converter = props.get(HEADER_CONVERTER);
        if (converter != null && BYTE_ARRAY_CONVERTER.equals(converter.trim())) {
            return Optional.empty();
        }
        String now = converter == null ? "is not set, so the worker's default applies (SimpleHeaderConverter unless the "
            + "worker sets another)" : "is " + converter.trim();
        return Optional.of(HEADER_CONVERTER + " " + now + ": record headers may not pass through the stash byte for "
            + "byte (typed values are parsed and written back). Set \"" + HEADER_CONVERTER + "\": \""
            + BYTE_ARRAY_CONVERTER + "\" in both connectors' configs to keep them as they are.");
    }
}
