package io.durastash.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code durastash <args>}: the stash tool's script (tool/bin/durastash) as a separate process, as a user runs it;
 * its standard output ({@code output}, the command's result) and standard error ({@code errors}, warnings) apart.
 */
record StashToolRun(List<String> command, int exitCode, String output, String errors) {

    static StashToolRun durastash(String... args) {
        Path script = Path.of(System.getProperty("durastash.tool.script", "../tool/bin/durastash"));
        Path jar = Path.of(System.getProperty("durastash.tool.jar", "../tool/target/durastash-tool.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The tool jar " + jar + " is missing: mvn -pl tool package -DskipTests");
        }
        List<String> command = new ArrayList<>(List.of("/bin/sh", script.toString()));
        command.addAll(List.of(args));
        Path stderr;
        try {
            stderr = Files.createTempFile("durastash-tool", ".err");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().put("DURASTASH_TOOL_JAR", jar.toAbsolutePath().toString());
        builder.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("durastash " + String.join(" ", args) + " did not finish in 120 s");
            }
            String errors = Files.readString(stderr, StandardCharsets.UTF_8);
            Files.delete(stderr);
            return new StashToolRun(command, process.exitValue(), new String(output, StandardCharsets.UTF_8), errors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "$ durastash " + String.join(" ", command.subList(2, command.size())) + "  (exit " + exitCode + ")"
            + System.lineSeparator() + output + (errors.isBlank() ? "" : "(stderr) " + errors);
    }
}
