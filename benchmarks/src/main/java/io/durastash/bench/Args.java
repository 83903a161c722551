package io.durastash.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** {@code --name value} command-line arguments, with defaults and typed getters. Unknown names are an error. */
final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();

    private Args() {
    }

    /** Parses {@code args}; names must be in {@code known} or start with one of {@code prefixes}. */
    static Args parse(String[] args, Set<String> known, Set<String> prefixes) {
        Args parsed = new Args();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("Expected --name value pairs, got '" + arg + "'; known names: " + known
                    + (prefixes.isEmpty() ? "" : ", prefixes: " + prefixes));
            }
            String name = arg.substring(2);
            if (!known.contains(name) && prefixes.stream().noneMatch(name::startsWith)) {
                throw new IllegalArgumentException("Unknown argument --" + name + "; known names: " + known
                    + (prefixes.isEmpty() ? "" : ", prefixes: " + prefixes));
            }
            parsed.values.put(name, args[++i]);
        }
        return parsed;
    }

    String string(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    long longValue(String name, long defaultValue) {
        return values.containsKey(name) ? Long.parseLong(values.get(name).replace("_", "")) : defaultValue;
    }

    int intValue(String name, int defaultValue) {
        return Math.toIntExact(longValue(name, defaultValue));
    }

    double doubleValue(String name, double defaultValue) {
        return values.containsKey(name) ? Double.parseDouble(values.get(name).replace("_", "")) : defaultValue;
    }

    boolean bool(String name, boolean defaultValue) {
        return values.containsKey(name) ? Boolean.parseBoolean(values.get(name)) : defaultValue;
    }

    /** The arguments named {@code prefix + key}, as {@code key -> value}. */
    Map<String, String> withPrefix(String prefix) {
        Map<String, String> result = new TreeMap<>();
        values.forEach((name, value) -> {
            if (name.startsWith(prefix)) {
                result.put(name.substring(prefix.length()), value);
            }
        });
        return result;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
