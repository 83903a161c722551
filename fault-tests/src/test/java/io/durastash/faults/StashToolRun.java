package io.durastash.faults;

import io.durastash.testkit.process.CommandRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code durastash <args>}: the stash tool's script of the source tree (tool/bin/durastash), as a user runs it. */
final class StashToolRun {
    private StashToolRun() {
    }

    static CommandRun durastash(String... args) {
        Path script = Path.of(System.getProperty("durastash.tool.script", "../tool/bin/durastash"));
        Path jar = Path.of(System.getProperty("durastash.tool.jar", "../tool/target/durastash-tool.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The tool jar " + jar + " is missing: mvn -pl tool package -DskipTests");
        }
        List<String> command = new ArrayList<>(List.of("/bin/sh", script.toString()));
        command.addAll(List.of(args));
        return CommandRun.of(command, Map.of("DURASTASH_TOOL_JAR", jar.toAbsolutePath().toString(),
            "JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    }
}
