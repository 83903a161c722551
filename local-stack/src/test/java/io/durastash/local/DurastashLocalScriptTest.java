package io.durastash.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checks {@code ./durastash-local} makes before it builds or starts anything. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class DurastashLocalScriptTest {
    private static final Path SCRIPT = Paths.get("..", "durastash-local").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void helpNeedsNoBuild() throws Exception {
        Result result = run(Map.of(), "--help");
        assertEquals(0, result.exit(), result.output());
        assertTrue(result.output().startsWith("Usage: ./durastash-local [options]"), result.output());
        assertTrue(result.output().contains("--bootstrap-server"), result.output());
    }

    @Test
    void anOldJavaIsNamedWithItsVersion() throws Exception {
        Path javaHome = fakeJava("openjdk version \"11.0.22\" 2024-01-16");
        Result result = run(Map.of("JAVA_HOME", javaHome.toString()), "--demo", "10");
        assertEquals(3, result.exit(), result.output());
        assertTrue(result.output().contains("DuraStash needs Java 17 or newer, but " + javaHome.resolve("bin/java")
            + " is Java 11.0.22."), result.output());
    }

    @Test
    void aJavaHomeWithoutJavaIsNamed() throws Exception {
        Result result = run(Map.of("JAVA_HOME", tmp.resolve("nowhere").toString()));
        assertEquals(3, result.exit(), result.output());
        assertTrue(result.output().contains("JAVA_HOME is set to '" + tmp.resolve("nowhere") + "', which has no "
            + "bin/java"), result.output());
    }

    private Path fakeJava(String versionLine) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("jdk").resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho '" + versionLine + "' >&2\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin.getParent();
    }

    private record Result(int exit, String output) {
    }

    private Result run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the script did not finish");
        return new Result(process.exitValue(), output);
    }
}
