package io.durastash.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;

/** Where a command writes, as text or as one JSON document, and the small formatting helpers they share. */
final class Output {
    static final ObjectMapper JSON = JsonMapper.builder().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).build();

    private final PrintStream out;
    private final boolean json;

    Output(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    PrintStream stream() {
        return out;
    }

    void line(String text) {
        out.println(text);
    }

    void line(String format, Object... args) {
        out.println(String.format(Locale.ROOT, format, args));
    }

    /** Writes {@code value} (maps, lists, scalars) as one line of JSON. */
    void document(Object value) {
        out.println(toJson(value));
    }

    static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "1 batch", "2 batches", "3 entries": {@code count} and the (regular English) noun in its number. */
    static String count(long count, String noun) {
        if (count == 1) {
            return "1 " + noun;
        }
        if (noun.endsWith("y") && noun.length() > 1 && "aeiou".indexOf(noun.charAt(noun.length() - 2)) < 0) {
            return count + " " + noun.substring(0, noun.length() - 1) + "ies";
        }
        boolean sibilant = noun.endsWith("s") || noun.endsWith("x") || noun.endsWith("ch") || noun.endsWith("sh");
        return count + " " + noun + (sibilant ? "es" : "s");
    }

    /** "235 bytes", "1234567 bytes (1.2 MiB)". */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return bytes + " bytes (" + String.format(Locale.ROOT, "%.1f %s", value, units[unit]) + ")";
    }

    /** A duration as "2d3h", "3h12m", "4m5s", "45s" or "120ms". */
    static String age(long ms) {
        if (ms < 0) {
            return "-";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        long m = s / 60;
        if (m < 60) {
            return m + "m" + (s % 60) + "s";
        }
        long h = m / 60;
        if (h < 24) {
            return h + "h" + (m % 60) + "m";
        }
        return (h / 24) + "d" + (h % 24) + "h";
    }

    static String instant(long epochMs) {
        return epochMs <= 0 ? "-" : Instant.ofEpochMilli(epochMs).toString();
    }
}
