package io.durastash.local;

import io.durastash.testkit.BuildInfo;
import io.durastash.testkit.cli.CommandLine;
import io.durastash.testkit.cli.UsageException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/** The command line of {@code ./durastash-local}; the help text is {@code usage.txt} next to this class. */
final class Options {
    static final int DEFAULT_KAFKA_PORT = 9092;
    static final int DEFAULT_CONTROLLER_PORT = 9093;
    static final int DEFAULT_CONNECT_PORT = 8083;
    private static final Set<String> FLAGS = Set.of("-h", "--help", "--headless", "--pause-source", "--build",
        "--no-build");
    private static final Set<String> OPTIONS = Set.of("--demo", "--rate", "--record-size", "--bootstrap-server",
        "--kafka-port", "--controller-port", "--connect-port", "--partitions", "--data-dir", "--config-dir",
        "--plugin-zip", "--kafka-classpath");

    boolean help;
    /** Records to produce; empty without {@code --demo}. */
    OptionalLong demoRecords = OptionalLong.empty();
    /** Records per second, 0 for as fast as Kafka takes them. */
    long rate;
    int recordSize;
    boolean pauseSource;
    boolean headless;
    /** An existing Kafka; null to start the local broker. */
    String bootstrapServer;
    int kafkaPort;
    int controllerPort;
    int connectPort;
    int partitions;
    Path dataDir;
    Path configDir;
    Path pluginZip;
    Path kafkaClasspathFile;

    private Options() {
    }

    /** Parses {@code args}; paths not given default to where this build put things. The last of an option wins. */
    static Options parse(String[] args, BuildInfo build) {
        CommandLine line = CommandLine.parse(args, FLAGS, OPTIONS, Set.of());
        for (String scriptOption : List.of("--build", "--no-build")) {
            if (line.has(scriptOption)) {
                throw new UsageException(scriptOption + " is an option of the ./durastash-local script, which builds "
                    + "before it starts this launcher.");
            }
        }
        Options options = new Options();
        options.help = line.has("-h") || line.has("--help");
        options.headless = line.has("--headless");
        options.pauseSource = line.has("--pause-source");
        if (line.has("--demo")) {
            options.demoRecords = OptionalLong.of(line.number("--demo", 0, 0, Long.MAX_VALUE));
        }
        options.rate = line.number("--rate", 0, 1, Long.MAX_VALUE);
        options.recordSize = (int) line.number("--record-size", 100, 1, 10 * 1024 * 1024);
        options.bootstrapServer = line.value("--bootstrap-server").map(Options::bootstrap).orElse(null);
        options.kafkaPort = line.port("--kafka-port", DEFAULT_KAFKA_PORT);
        options.controllerPort = line.port("--controller-port", DEFAULT_CONTROLLER_PORT);
        options.connectPort = line.port("--connect-port", DEFAULT_CONNECT_PORT);
        options.partitions = (int) line.number("--partitions", 3, 1, 1000);
        options.dataDir = Paths.get(line.string("--data-dir", "run")).toAbsolutePath().normalize();
        options.configDir = line.value("--config-dir").map(Paths::get).orElse(build.configDir());
        options.pluginZip = line.value("--plugin-zip").map(Paths::get).orElse(build.pluginArchive());
        options.kafkaClasspathFile = line.value("--kafka-classpath").map(Paths::get).orElse(build.kafkaClasspathFile());
        if (options.localBroker()) {
            distinctPorts(options.kafkaPort, options.controllerPort, options.connectPort);
        }
        return options;
    }

    boolean localBroker() {
        return bootstrapServer == null;
    }

    private static String bootstrap(String value) {
        for (String server : value.split(",")) {
            int colon = server.lastIndexOf(':');
            if (colon <= 0 || !isPort(server.substring(colon + 1).trim())) {
                throw new UsageException("--bootstrap-server needs host:port[,host:port...], not '" + value + "'.");
            }
        }
        return value.trim();
    }

    private static boolean isPort(String text) {
        try {
            int port = Integer.parseInt(text);
            return port >= 1 && port <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void distinctPorts(int kafka, int controller, int connect) {
        if (kafka == controller || kafka == connect || controller == connect) {
            throw new UsageException("--kafka-port (" + kafka + "), --controller-port (" + controller
                + ") and --connect-port (" + connect + ") must differ.");
        }
    }

    static String usage() {
        try (InputStream in = Options.class.getResourceAsStream("usage.txt")) {
            if (in == null) {
                throw new IllegalStateException("usage.txt is missing from the launcher jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
