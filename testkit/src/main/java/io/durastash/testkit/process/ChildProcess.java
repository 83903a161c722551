package io.durastash.testkit.process;

import io.durastash.testkit.StackFailure;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process of a stack (the broker, a Connect worker, the storage formatter), its output appended to a log file.
 *
 * <p>It is started through {@code /bin/sh -c "trap '' INT HUP; exec ..."}: the JVM inherits SIGINT and SIGHUP as
 * ignored and keeps them ignored, so a Ctrl-C in the terminal reaches only the launcher, which then stops the
 * workers before the broker, with SIGTERM (the clean shutdown path of both). The shell replaces itself with the
 * JVM, so the pid is the JVM's.
 */
public final class ChildProcess {
    private static final String WRAPPER = "trap '' INT HUP; exec \"$0\" \"$@\"";
    private static final int TAIL_WINDOW_BYTES = 64 * 1024;

    private final String name;
    private final Process process;
    private final Path log;
    /** Where this run's output starts in the (appended) log. */
    private final long logStart;

    private ChildProcess(String name, Process process, Path log, long logStart) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.logStart = logStart;
    }

    /**
     * Starts {@code command} in {@code workDir} with {@code env} on top of this JVM's environment, its output appended
     * to {@code log}; the stack's processes, and those a test runs beside them (a Prometheus server).
     */
    public static ChildProcess start(String name, List<String> command, Path workDir, Map<String, String> env, Path log) {
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER));
        wrapped.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(wrapped)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().putAll(env);
        try {
            Files.createDirectories(log.getParent());
            String banner = "==== " + name + " starting at " + Instant.now() + ": " + summary(command)
                + System.lineSeparator();
            Files.writeString(log, banner, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            long start = Files.size(log);
            Process process = builder.start();
            process.getOutputStream().close();
            return new ChildProcess(name, process, log, start);
        } catch (IOException e) {
            throw StackFailure.startup("Could not start the " + name + " (" + summary(command) + "): " + e.getMessage());
        }
    }

    /** Runs {@code command} to its end and returns its exit code; fails when it takes longer than {@code timeout}. */
    static int run(String name, List<String> command, Path workDir, Path log, Duration timeout) {
        ChildProcess child = start(name, command, workDir, Map.of(), log);
        try {
            if (!child.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                child.stop(Duration.ofSeconds(5));
                throw StackFailure.startup("The " + name + " did not finish within " + timeout.toSeconds() + " s."
                    + child.tailReport());
            }
            return child.process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.stop(Duration.ofSeconds(5));
            throw StackFailure.startup("Interrupted while the " + name + " ran.");
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or -1 while it runs. */
    public int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    public Path log() {
        return log;
    }

    /**
     * SIGTERM, then up to {@code grace} for a clean exit, then SIGKILL. Returns true when the process ended within
     * the grace period.
     */
    public boolean stop(Duration grace) {
        return stop(process.toHandle(), grace);
    }

    /** SIGKILL, as {@code kill -9} or the OOM killer would: no shutdown hook runs. Returns once the process is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The " + name + " (pid " + pid() + ") survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends {@code signal} ("STOP", "CONT", ...) with {@code kill}, as an operator or the OS would. */
    void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid() + " (the " + name + ") failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot send SIG" + signal + " to the " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static boolean stop(ProcessHandle handle, Duration grace) {
        if (!handle.isAlive()) {
            return true;
        }
        handle.destroy();
        try {
            handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            handle.destroyForcibly();
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // Reported by the caller through isAlive().
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handle.destroyForcibly();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !handle.isAlive();
        }
    }

    /** The last {@code lines} lines this process wrote in this run. */
    List<String> tail(int lines) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(logStart, file.length() - TAIL_WINDOW_BYTES);
            byte[] bytes = new byte[(int) (file.length() - from)];
            file.seek(from);
            file.readFully(bytes);
            List<String> all = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\\R"));
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The end of this run's log, indented, for an error message. */
    public String tailReport() {
        List<String> tail;
        try {
            tail = tail(30);
        } catch (UncheckedIOException e) {
            return System.lineSeparator() + "(Could not read " + log + ": " + e.getCause().getMessage() + ")";
        }
        StringBuilder report = new StringBuilder(System.lineSeparator()).append("Last lines of ").append(log).append(':');
        tail.forEach(line -> report.append(System.lineSeparator()).append("    ").append(line));
        return report.toString();
    }

    /** The command without the classpath, which runs to hundreds of entries. */
    static String summary(List<String> command) {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            String arg = command.get(i);
            if (("-cp".equals(arg) || "-classpath".equals(arg)) && i + 1 < command.size()) {
                shown.add(arg);
                shown.add("<kafka runtime classpath>");
                i++;
            } else {
                shown.add(arg);
            }
        }
        return String.join(" ", shown);
    }
}
