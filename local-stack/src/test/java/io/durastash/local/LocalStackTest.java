package io.durastash.local;

import io.durastash.testkit.process.KafkaRuntime;
import io.durastash.testkit.process.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./durastash-local --headless} end to end: the launcher's own code path, with a real broker and a real
 * Connect worker as child processes, the connectors loaded from the plugin archive (built by the plugin module
 * before this one) and configured from {@code config/local/}. Three runs on one data directory:
 * <ol>
 *   <li>a demo and its verdict: every record arrived, in order, byte for byte;</li>
 *   <li>more records with the source paused: they stop in the stash, and the stack shuts down with them there;</li>
 *   <li>a restart: the source drains the stash it finds on disk, and the verdict counts every record of all runs.</li>
 * </ol>
 * After each run no process of the stack is left.
 */
@Tag("integration")
class LocalStackTest {
    @TempDir
    Path dataDir;

    private final Set<Integer> ports = new HashSet<>();

    @AfterEach
    void noProcessLeftBehind() {
        assertEquals(List.of(), stackProcesses(), "processes of the stack still running");
    }

    @Test
    void demoVerdictThenTheStashKeepsRecordsAcrossARestart() throws IOException {
        Run first = launch("--demo", "20000");
        assertEquals(LocalStack.EXIT_OK, first.exitCode(), first.output());
        first.assertContains("Verdict: PASS. All 20,000 records");
        first.assertContains("Stopping the Connect worker");
        assertEquals(List.of(), stackProcesses(), "processes of the stack still running after the first run");

        Run second = launch("--demo", "10000", "--pause-source");
        assertEquals(LocalStack.EXIT_OK, second.exitCode(), second.output());
        second.assertContains("durastash-demo-in holds 20,000 records from earlier runs");
        second.assertContains("The sink has stashed all 10,000 records of this run");
        second.assertContains("emitted 0 |");
        assertEquals(List.of(), stackProcesses(), "processes of the stack still running after the second run");

        Run third = launch("--demo", "0");
        assertEquals(LocalStack.EXIT_OK, third.exitCode(), third.output());
        third.assertContains("At least 10,000 stashed records have not reached durastash-demo-out yet");
        third.assertContains("Verdict: PASS. All 30,000 records");

        // The worker loaded the connectors from plugin.path: its classpath holds Kafka's jars only.
        String connectLog = Files.readString(dataDir.resolve("logs").resolve("connect.log"), StandardCharsets.UTF_8);
        assertTrue(connectLog.contains("Loading plugin from: " + dataDir.resolve("plugins").resolve("durastash-")),
            "the worker did not load the plugin from plugin.path");
        assertTrue(Files.isDirectory(dataDir.resolve("stash").resolve("demo")), "no stash under the data directory");
    }

    private record Run(int exitCode, String output) {
        void assertContains(String expected) {
            assertTrue(output.contains(expected), "expected \"" + expected + "\" in:\n" + output);
        }
    }

    /** {@code ./durastash-local --headless <args>} on this test's data directory and free ports. */
    private Run launch(String... args) {
        List<String> command = new ArrayList<>(List.of("--headless", "--data-dir", dataDir.toString(),
            "--kafka-port", freePort(), "--controller-port", freePort(), "--connect-port", freePort()));
        command.addAll(List.of(args));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(captured, System.out), true, StandardCharsets.UTF_8);
        System.out.println("==== ./durastash-local " + String.join(" ", command));
        int exit = LocalStack.run(command.toArray(String[]::new), out);
        out.flush();
        return new Run(exit, captured.toString(StandardCharsets.UTF_8));
    }

    /** A free port not handed out before in this test: each run gets new ones, as a user might choose. */
    private String freePort() {
        int port;
        do {
            port = Ports.anyFree();
        } while (!ports.add(port));
        return Integer.toString(port);
    }

    private List<String> stackProcesses() {
        String marker = "-D" + KafkaRuntime.DATA_DIR_PROPERTY + "=" + dataDir.toAbsolutePath().normalize();
        return ProcessHandle.allProcesses()
            .filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false))
            .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
            .toList();
    }

    /** Writes to both streams: the test reads the output, the report keeps it. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
            second.flush();
        }
    }
}
