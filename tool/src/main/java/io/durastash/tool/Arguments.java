package io.durastash.tool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The parsed command line: {@code --name value} (or {@code --name=value}) options, flags, and positionals in order. */
final class Arguments {
    static final Set<String> VALUE_OPTIONS = Set.of("--dir", "--format", "--from", "--limit", "--max-listed", "--output", "--into",
        "--sink", "--source");
    static final Set<String> FLAGS = Set.of("--all", "--dry-run", "--help", "-h", "--version");

    private final List<String> positionals = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();
    private final Set<String> flags = new LinkedHashSet<>();

    static Arguments parse(String[] args) throws UsageException {
        Arguments parsed = new Arguments();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                for (i++; i < args.length; i++) {
                    parsed.positionals.add(args[i]);
                }
                break;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                parsed.positionals.add(arg);
                continue;
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (FLAGS.contains(name)) {
                if (value != null) {
                    throw new UsageException(name + " takes no value");
                }
                parsed.flags.add(name.equals("-h") ? "--help" : name);
            } else if (VALUE_OPTIONS.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException(name + " needs a value");
                    }
                    value = args[++i];
                }
                if (parsed.options.put(name, value) != null) {
                    throw new UsageException(name + " is given twice");
                }
            } else {
                throw new UsageException("unknown option " + name);
            }
        }
        return parsed;
    }

    List<String> positionals() {
        return positionals;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    String option(String name) {
        return options.get(name);
    }

    long longOption(String name, long defaultValue, long min) throws UsageException {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed < min) {
                throw new UsageException(name + " must be at least " + min + ", got " + value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a number, got '" + value + "'");
        }
    }

    int intOption(String name, int defaultValue, int min) throws UsageException {
        long value = longOption(name, defaultValue, min);
        if (value > Integer.MAX_VALUE) {
            throw new UsageException(name + " must be at most " + Integer.MAX_VALUE + ", got " + value);
        }
        return (int) value;
    }

    /** Fails when an option or flag other than the global ones and {@code allowed} was given. */
    void allowOnly(String command, String... allowed) throws UsageException {
        Set<String> ok = new LinkedHashSet<>(List.of("--dir", "--format", "--help"));
        ok.addAll(List.of(allowed));
        for (String name : options.keySet()) {
            if (!ok.contains(name)) {
                throw new UsageException(command + " does not take " + name);
            }
        }
        for (String name : flags) {
            if (!ok.contains(name)) {
                throw new UsageException(command + " does not take " + name);
            }
        }
    }

    /** Parses positionals from {@code from} on as batch ids. */
    List<Long> batchIds(int from) throws UsageException {
        List<Long> ids = new ArrayList<>();
        for (String value : positionals.subList(Math.min(from, positionals.size()), positionals.size())) {
            try {
                long id = Long.parseLong(value);
                if (id < 1) {
                    throw new NumberFormatException();
                }
                ids.add(id);
            } catch (NumberFormatException e) {
                throw new UsageException("'" + value + "' is not a batch id (a number from 1)");
            }
        }
        return ids;
    }
}
