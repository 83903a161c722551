package io.durastash.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command run to its end as a user runs it in a shell (the stash tool, one of Kafka's tools): its exit code, and its
 * standard output (the command's result) and standard error (warnings and errors) apart.
 */
public record CommandRun(List<String> command, int exitCode, String output, String errors) {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** Runs {@code command} with {@code env} on top of this JVM's environment; fails when it takes over 120 s. */
    public static CommandRun of(List<String> command, Map<String, String> env) {
        Path stderr;
        try {
            stderr = Files.createTempFile("durastash-command", ".err");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("$ " + ChildProcess.summary(command) + " did not finish in "
                    + TIMEOUT.toSeconds() + " s");
            }
            String errors = Files.readString(stderr, StandardCharsets.UTF_8);
            return new CommandRun(List.copyOf(command), process.exitValue(), new String(output, StandardCharsets.UTF_8),
                errors);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + ChildProcess.summary(command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            try {
                Files.deleteIfExists(stderr);
            } catch (IOException ignored) {
                // A temporary file; nothing depends on it.
            }
        }
    }

    @Override
    public String toString() {
        return "$ " + ChildProcess.summary(command) + "  (exit " + exitCode + ")" + System.lineSeparator() + output
            + (errors.isBlank() ? "" : "(stderr) " + errors);
    }
}
