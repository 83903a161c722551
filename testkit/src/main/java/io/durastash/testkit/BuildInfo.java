package io.durastash.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;

/**
 * What the build wrote into {@code build.properties}: the version, and where it put the plugin archive, the Kafka
 * runtime classpath of the child processes and {@code config/local}. The defaults of every stack and of the launcher.
 */
public record BuildInfo(String version, String kafkaVersion, Path pluginArchive, Path kafkaClasspathFile,
                        Path configDir) {

    public static BuildInfo load() {
        Properties props = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                throw new IllegalStateException("build.properties is missing from the test kit jar");
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BuildInfo(props.getProperty("version"), props.getProperty("kafka.version"),
            path(props, "plugin.archive"), path(props, "kafka.classpath.file"), path(props, "config.dir"));
    }

    private static Path path(Properties props, String key) {
        return Paths.get(props.getProperty(key)).toAbsolutePath().normalize();
    }
}
