package io.durastash.sink;

import java.util.Locale;

/** What decides which stash batch a record of a poll goes to ({@code group.by}). */
public enum GroupBy {
    /** One batch per topic (as the task sees it, after transforms). */
    TOPIC,
    /** One batch per value of the header named by {@code group.by.header}. */
    HEADER,
    /** One batch per poll. */
    NONE;

    /** The value as written in a config: lower case. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@code group.by} value, ignoring case. */
    public static GroupBy parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
