package io.durastash.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a worker process wrote in its log, read after the fact: the stashes it opened, the lines of an event. */
final class WorkerLog {
    private static final Pattern OPENED_STASH = Pattern.compile("Opened stash ([0-9a-f-]{36}) at (\\S+?):");

    private WorkerLog() {
    }

    static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stash ids the worker logged as opened at {@code stashPath}, in log order (one per open). */
    static List<String> stashIdsOpened(Path log, Path stashPath) {
        List<String> ids = new ArrayList<>();
        for (String line : read(log).split("\\R")) {
            Matcher m = OPENED_STASH.matcher(line);
            if (m.find() && Path.of(m.group(2)).equals(stashPath.toAbsolutePath().normalize())) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    /** How often {@code what} occurs in {@code text}. */
    static long count(String text, String what) {
        long n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
