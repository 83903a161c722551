package io.durastash.testkit.cli;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A command line of flags ({@code --headless}) and options with a value ({@code --demo 100000} or
 * {@code --demo=100000}), read into typed values with ranges. Names outside the ones declared are an error, except
 * options under a declared prefix ({@code --consumer.max.poll.records 5000}). A name given twice keeps its last value.
 * Every error is a {@link UsageException} whose message says what to change.
 */
public final class CommandLine {
    private final Map<String, String> values = new HashMap<>();

    private CommandLine() {
    }

    /**
     * Parses {@code args}: {@code flags} take no value; {@code options}, and names that start with one of
     * {@code prefixes}, take one.
     */
    public static CommandLine parse(String[] args, Set<String> flags, Set<String> options, Set<String> prefixes) {
        CommandLine line = new CommandLine();
        Deque<String> rest = new ArrayDeque<>(Arrays.asList(args));
        while (!rest.isEmpty()) {
            String arg = rest.poll();
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            if (flags.contains(name) && inline == null) {
                line.values.put(name, "true");
            } else if (options.contains(name) || prefixes.stream().anyMatch(name::startsWith)) {
                line.values.put(name, inline != null ? inline : value(name, rest));
            } else {
                throw new UsageException("Unknown option '" + arg + "'.");
            }
        }
        return line;
    }

    private static String value(String name, Deque<String> rest) {
        String next = rest.poll();
        if (next == null || next.startsWith("--")) {
            throw new UsageException(name + " needs a value.");
        }
        return next;
    }

    /** Whether the flag or the option {@code name} was given. */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    public Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    public String string(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    /** A whole number from {@code min} to {@code max}; "_" and "," may group its digits (100_000, 100,000). */
    public long number(String name, long defaultValue, long min, long max) {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        long n;
        try {
            n = Long.parseLong(value.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a whole number, not '" + value + "'.");
        }
        if (n < min || n > max) {
            throw new UsageException(name + " must be between " + min + " and " + max + ", not " + n + ".");
        }
        return n;
    }

    public int port(String name, int defaultValue) {
        return (int) number(name, defaultValue, 1, 65535);
    }

    public double decimal(String name, double defaultValue) {
        String value = values.get(name);
        try {
            return value == null ? defaultValue : Double.parseDouble(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a number, not '" + value + "'.");
        }
    }

    public boolean bool(String name, boolean defaultValue) {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new UsageException(name + " needs true or false, not '" + value + "'.");
        }
        return Boolean.parseBoolean(value);
    }

    /** The options named {@code prefix + key}, as {@code key -> value}. */
    public Map<String, String> withPrefix(String prefix) {
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
        return new TreeMap<>(values).toString();
    }
}
