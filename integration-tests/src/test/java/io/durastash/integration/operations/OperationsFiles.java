package io.durastash.integration.operations;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the build put what these tests run beside the worker (this module's pom passes the paths): the Prometheus JMX
 * exporter agent, Kafka's tools jar, and the shipped monitoring configs of {@code config/monitoring}.
 */
final class OperationsFiles {
    private OperationsFiles() {
    }

    static Path jmxExporterAgent() {
        return file("jmx.exporter.agent", "");
    }

    static Path kafkaToolsJar() {
        return file("kafka.tools.jar", "");
    }

    /** {@code config/monitoring/<name>}. */
    static Path monitoring(String name) {
        return file("monitoring.config.dir", name);
    }

    private static Path file(String property, String child) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new AssertionError("-D" + property + " is not set: run these tests through `mvn verify` (failsafe "
                + "sets it), not from the IDE or surefire.");
        }
        Path file = Path.of(value).resolve(child).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(file + " (from -D" + property + ") is missing.");
        }
        return file;
    }
}
