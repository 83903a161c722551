package io.durastash.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.OptionalLong;

/** The command line of {@code ./durastash-local}; the help text is {@code usage.txt} next to this class. */
final class Options {
    static final int DEFAULT_KAFKA_PORT = 9092;
    static final int DEFAULT_CONTROLLER_PORT = 9093;
    static final int DEFAULT_CONNECT_PORT = 8083;

    boolean help;
    /** Records to produce; empty without {@code --demo}. */
    OptionalLong demoRecords = OptionalLong.empty();
    /** Records per second, 0 for as fast as Kafka takes them. */
    long rate;
    int recordSize = 100;
    boolean pauseSource;
    boolean headless;
    /** An existing Kafka; null to start the local broker. */
    String bootstrapServer;
    int kafkaPort = DEFAULT_KAFKA_PORT;
    int controllerPort = DEFAULT_CONTROLLER_PORT;
    int connectPort = DEFAULT_CONNECT_PORT;
    int partitions = 3;
    Path dataDir = Paths.get("run");
    Path configDir;
    Path pluginZip;
    Path kafkaClasspathFile;

    private Options() {
    }

    /** Parses {@code args}; paths not given default to where this build put things. */
    static Options parse(String[] args, BuildInfo build) {
        Options options = new Options();
        options.configDir = build.configDir();
        options.pluginZip = build.pluginArchive();
        options.kafkaClasspathFile = build.kafkaClasspathFile();
        Deque<String> rest = new ArrayDeque<>(Arrays.asList(args));
        while (!rest.isEmpty()) {
            String arg = rest.poll();
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            switch (name) {
                case "-h", "--help" -> options.help = true;
                case "--headless" -> options.headless = true;
                case "--pause-source" -> options.pauseSource = true;
                case "--demo" -> options.demoRecords = OptionalLong.of(number(name, value(name, inline, rest), 0, Long.MAX_VALUE));
                case "--rate" -> options.rate = number(name, value(name, inline, rest), 1, Long.MAX_VALUE);
                case "--record-size" -> options.recordSize = (int) number(name, value(name, inline, rest), 1, 10 * 1024 * 1024);
                case "--bootstrap-server" -> options.bootstrapServer = bootstrap(value(name, inline, rest));
                case "--kafka-port" -> options.kafkaPort = port(name, value(name, inline, rest));
                case "--controller-port" -> options.controllerPort = port(name, value(name, inline, rest));
                case "--connect-port" -> options.connectPort = port(name, value(name, inline, rest));
                case "--partitions" -> options.partitions = (int) number(name, value(name, inline, rest), 1, 1000);
                case "--data-dir" -> options.dataDir = Paths.get(value(name, inline, rest));
                case "--config-dir" -> options.configDir = Paths.get(value(name, inline, rest));
                case "--plugin-zip" -> options.pluginZip = Paths.get(value(name, inline, rest));
                case "--kafka-classpath" -> options.kafkaClasspathFile = Paths.get(value(name, inline, rest));
                case "--build", "--no-build" -> throw new UsageException(name + " is an option of the ./durastash-local "
                    + "script, which builds before it starts this launcher.");
                default -> throw new UsageException("Unknown option '" + arg + "'.");
            }
        }
        if (options.bootstrapServer == null) {
            distinctPorts(options.kafkaPort, options.controllerPort, options.connectPort);
        }
        options.dataDir = options.dataDir.toAbsolutePath().normalize();
        return options;
    }

    boolean localBroker() {
        return bootstrapServer == null;
    }

    private static String value(String name, String inline, Deque<String> rest) {
        if (inline != null) {
            return inline;
        }
        String next = rest.poll();
        if (next == null || next.startsWith("--")) {
            throw new UsageException(name + " needs a value.");
        }
        return next;
    }

    private static long number(String name, String value, long min, long max) {
        long n;
        try {
            n = Long.parseLong(value.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a whole number, not '" + value + "'.");
        }
        if (n < min || n > max) {
            throw new UsageException(name + " must be between " + min + " and " + max + ", not " + n + ".");
        }
        return n;
    }

    private static int port(String name, String value) {
        return (int) number(name, value, 1, 65535);
    }

    private static String bootstrap(String value) {
        for (String server : value.split(",")) {
            int colon = server.lastIndexOf(':');
            if (colon <= 0 || colon == server.length() - 1) {
                throw new UsageException("--bootstrap-server needs host:port[,host:port...], not '" + value + "'.");
            }
            port("--bootstrap-server", server.substring(colon + 1).trim());
        }
        return value.trim();
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

    /** A command line this launcher does not accept; the message says what to change. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
