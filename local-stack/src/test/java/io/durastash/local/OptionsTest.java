package io.durastash.local;

import io.durastash.testkit.BuildInfo;
import io.durastash.testkit.cli.UsageException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionsTest {
    private static final BuildInfo BUILD = new BuildInfo("1.0", "4.3.1", Paths.get("/p/durastash-1.0.zip"),
        Paths.get("/t/kafka-runtime.classpath"), Paths.get("/c/local"));

    @Test
    void defaults() {
        Options options = Options.parse(new String[0], BUILD);
        assertTrue(options.localBroker());
        assertFalse(options.demoRecords.isPresent());
        assertEquals(9092, options.kafkaPort);
        assertEquals(8083, options.connectPort);
        assertEquals(Paths.get("run").toAbsolutePath(), options.dataDir);
        assertEquals(Paths.get("/c/local"), options.configDir);
    }

    @Test
    void valuesSeparateOrInlineAndTheLastDataDirWins() {
        Options options = Options.parse(new String[] {"--data-dir", "/a", "--demo=100_000", "--bootstrap-server",
            "k1:9092,k2:9092", "--data-dir", "/b", "--headless"}, BUILD);
        assertEquals(100_000, options.demoRecords.getAsLong());
        assertEquals("k1:9092,k2:9092", options.bootstrapServer);
        assertFalse(options.localBroker());
        assertEquals(Path.of("/b"), options.dataDir);
        assertTrue(options.headless);
    }

    @Test
    void badCommandLinesSayWhatToChange() {
        assertMessage("Unknown option '--dmeo'.", "--dmeo", "5");
        assertMessage("--demo needs a whole number, not 'many'.", "--demo", "many");
        assertMessage("--kafka-port must be between 1 and 65535, not 70000.", "--kafka-port", "70000");
        assertMessage("--bootstrap-server needs host:port[,host:port...], not 'kafka'.", "--bootstrap-server", "kafka");
        assertMessage("--data-dir needs a value.", "--data-dir");
        assertMessage("--kafka-port (8083), --controller-port (9093) and --connect-port (8083) must differ.",
            "--kafka-port", "8083");
    }

    private static void assertMessage(String expected, String... args) {
        assertEquals(expected, assertThrows(UsageException.class, () -> Options.parse(args, BUILD)).getMessage());
    }
}
