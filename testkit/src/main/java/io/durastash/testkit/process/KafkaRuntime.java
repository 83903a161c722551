package io.durastash.testkit.process;

import io.durastash.testkit.StackFailure;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Kafka the child processes run: the jars of Kafka {@code kafka_2.13}, {@code connect-runtime} and their
 * dependencies as Maven resolved them for the test kit (a Kafka distribution's {@code libs/}, in effect), started
 * through their production entry points. No DuraStash jar may be on it: the worker must find the connectors on
 * its plugin.path, as it would in production.
 */
public final class KafkaRuntime {
    /** Marks a stack's JVMs, so a later run can recognise processes a killed launcher or test left behind. */
    public static final String DATA_DIR_PROPERTY = "durastash.local.data.dir";

    private final String classpath;
    private final Path log4jConfig;
    private final Path dataDir;

    private KafkaRuntime(String classpath, Path log4jConfig, Path dataDir) {
        this.classpath = classpath;
        this.log4jConfig = log4jConfig;
        this.dataDir = dataDir;
    }

    static KafkaRuntime load(Path classpathFile, Path log4jConfig, Path dataDir) {
        if (!Files.isRegularFile(classpathFile)) {
            throw StackFailure.environment("The Kafka runtime classpath " + classpathFile + " is missing: the build "
                + "writes it. Run ./durastash-local (it builds what is missing), or `mvn -DskipTests package -pl "
                + "testkit -am`.");
        }
        String classpath;
        try {
            classpath = Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw StackFailure.environment("Cannot read " + classpathFile + ": " + e.getMessage());
        }
        List<String> entries = Arrays.asList(classpath.split(File.pathSeparator));
        for (String entry : entries) {
            Path jar = Paths.get(entry);
            if (!Files.exists(jar)) {
                throw StackFailure.environment("The Kafka runtime jar " + jar + " (listed in " + classpathFile + ") is "
                    + "missing from the local Maven repository. Rebuild with ./durastash-local --build.");
            }
            if (jar.getFileName().toString().startsWith("durastash-")) {
                throw StackFailure.environment("The Kafka runtime classpath " + classpathFile + " holds " + jar + ": "
                    + "the worker would load DuraStash from its classpath instead of plugin.path. Rebuild with "
                    + "./durastash-local --build.");
            }
        }
        if (entries.stream().noneMatch(e -> Paths.get(e).getFileName().toString().startsWith("connect-runtime-"))) {
            throw StackFailure.environment("The Kafka runtime classpath " + classpathFile + " has no connect-runtime "
                + "jar. Rebuild with ./durastash-local --build.");
        }
        if (!Files.isRegularFile(log4jConfig)) {
            throw StackFailure.environment("The logging config " + log4jConfig + " is missing.");
        }
        return new KafkaRuntime(classpath, log4jConfig, dataDir);
    }

    /** {@code java <options> -cp <kafka> mainClass args}, with the stack's logging config and marker. */
    List<String> command(String mainClass, String heap, List<String> args) {
        return command(mainClass, heap, List.of(), args);
    }

    /** {@link #command(String, String, List)} with {@code jvmOptions} after the stack's own options. */
    List<String> command(String mainClass, String heap, List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms128m");
        command.add("-Xmx" + heap);
        command.add("-XX:+UseG1GC");
        command.add("-XX:MaxGCPauseMillis=20");
        command.add("-Djava.awt.headless=true");
        command.add("-Dlog4j2.configurationFile=" + log4jConfig.toAbsolutePath());
        command.add("-D" + DATA_DIR_PROPERTY + "=" + dataDir);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }
}
