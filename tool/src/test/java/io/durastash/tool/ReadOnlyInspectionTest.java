package io.durastash.tool;

import io.durastash.stash.LockHolder;
import io.durastash.stash.Stash;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.testing.RawStash;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inspecting commands change no byte of the stash directory and create or delete no file there, on a healthy
 * stash with a quarantined record as on one whose write-ahead log is damaged; the damage is still reported, and stays
 * for the next read-write open to find.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadOnlyInspectionTest {
    @TempDir
    Path dir;
    @TempDir
    Path outside;
    private final TestRecords records = new TestRecords();

    /** Every command that only looks, in text and in json. */
    private List<List<String>> inspections() {
        List<List<String>> commands = new ArrayList<>();
        for (String format : List.of("text", "json")) {
            commands.add(List.of("--format", format, "stats"));
            commands.add(List.of("--format", format, "list"));
            commands.add(List.of("--format", format, "show", "1"));
            commands.add(List.of("--format", format, "verify"));
            commands.add(List.of("--format", format, "quarantine", "list"));
            commands.add(List.of("--format", format, "export", "--output", outside.resolve("export-" + format).toString()));
            commands.add(List.of("--format", format, "quarantine", "requeue", "--all", "--dry-run"));
            commands.add(List.of("--format", format, "quarantine", "purge", "--all", "--dry-run"));
        }
        return commands;
    }

    @Test
    void inspectingAStashWithAQuarantinedRecordChangesNoFile() {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            records.appendBatch(stash, "t", 0, 0, 2);
            records.appendBatch(stash, "t", 0, 2, 3);
            records.appendBatch(stash, "t", 0, 5, 1);
        }
        try (RawStash raw = new RawStash(dir)) {
            raw.flipRecordBit(3, 0);
            raw.spoilMetadataChecksum(2);
        }
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            // A worker's stash: rebuilds batch 2 and keeps its damaged metadata entry, sets record 0 of batch 3 aside.
            TestDrainer.active(stash).drainAll();
            records.appendBatch(stash, "t", 0, 6, 2);
        }

        List<String> changes = changesByEachInspection();

        assertEquals(List.of(), changes, "inspections changed the stash directory");
        ToolRun quarantine = tool("quarantine", "list");
        assertTrue(quarantine.out().contains("record checksum mismatch"), quarantine.out());
    }

    @Test
    void inspectingAStashWithADamagedWriteAheadLogReportsTheDamageAndKeepsTheLog() throws Exception {
        appendAndKill(50);
        Path wal = RawStash.wal(dir);
        RawStash.damage(wal, Files.size(wal) * 3 / 4, 16);

        List<String> changes = changesByEachInspection();

        assertEquals(List.of(), changes, "inspections changed the stash directory");
        ToolRun verify = tool("verify");
        assertEquals(StashTool.DAMAGED, verify.code(), verify.out() + verify.err());
        assertTrue(verify.out().contains("WAL batch -1: the write-ahead log is damaged"), verify.out());
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            assertTrue(stash.quarantine().list().stream().anyMatch(e -> e.family().equals("wal")),
                "the damage is there for the worker that opens the stash next: " + stash.quarantine().list());
        }
    }

    @Test
    void theHelpSaysWhichCommandsWriteAndThatTheOthersChangeNothing() {
        String help = ToolRun.of("--help").out();
        for (String command : List.of("stats", "list", "show", "verify", "quarantine list", "export")) {
            String entry = helpEntry(help, command);
            assertTrue(entry.contains("Changes nothing") && !entry.contains("WRITES"), entry);
        }
        for (String command : List.of("quarantine requeue", "quarantine purge", "salvage")) {
            assertTrue(helpEntry(help, command).contains("WRITES"), helpEntry(help, command));
        }
    }

    /** The help's text on {@code command}, up to the next command, on one line. */
    private static String helpEntry(String help, String command) {
        int from = help.indexOf("\n  " + command + " ");
        assertTrue(from >= 0, "no entry for " + command + " in\n" + help);
        Matcher next = Pattern.compile("\n(  \\S|\\S)").matcher(help);
        int to = next.find(from + 1) ? next.start() : help.length();
        return help.substring(from, to).replaceAll("\\s+", " ").trim();
    }

    /** Runs each inspection on the stash in {@link #dir}; returns what each changed there, named by the command. */
    private List<String> changesByEachInspection() {
        List<String> changes = new ArrayList<>();
        for (List<String> command : inspections()) {
            Map<String, String> before = files(dir);
            ToolRun run = tool(command.toArray(new String[0]));
            assertTrue(run.code() == StashTool.OK || run.code() == StashTool.DAMAGED, command + ": " + run.err());
            String changed = difference(before, files(dir));
            if (!changed.isEmpty()) {
                changes.add(String.join(" ", command) + ": " + changed);
            }
        }
        return changes;
    }

    private ToolRun tool(String... args) {
        List<String> all = new ArrayList<>(List.of("--dir", dir.toString()));
        all.addAll(List.of(args));
        return ToolRun.of(all.toArray(new String[0]));
    }

    /** Appends {@code batches} one-record batches, unsynced, in another JVM, and kills it: they are in the WAL alone. */
    private void appendAndKill(int batches) throws Exception {
        LockHolder.start(dir, batches).close();
    }

    /** Every file under {@code root} by its relative path, with the SHA-256 of its bytes. */
    private static Map<String, String> files(Path root) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(),
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

    /** The files created, deleted and changed from {@code before} to {@code after}; empty when none. */
    private static String difference(Map<String, String> before, Map<String, String> after) {
        List<String> parts = new ArrayList<>();
        TreeSet<String> created = new TreeSet<>(after.keySet());
        created.removeAll(before.keySet());
        TreeSet<String> deleted = new TreeSet<>(before.keySet());
        deleted.removeAll(after.keySet());
        TreeSet<String> changed = new TreeSet<>();
        before.forEach((name, hash) -> {
            if (after.containsKey(name) && !after.get(name).equals(hash)) {
                changed.add(name);
            }
        });
        if (!created.isEmpty()) {
            parts.add("created " + created);
        }
        if (!deleted.isEmpty()) {
            parts.add("deleted " + deleted);
        }
        if (!changed.isEmpty()) {
            parts.add("changed " + changed);
        }
        return String.join(", ", parts);
    }
}
