package io.durastash.stash;

import io.durastash.stash.model.StashOptions;
import io.durastash.stash.testing.TestRecords;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Run in a separate JVM: opens a stash, appends the number of one-record batches named by the second argument (if
 * any) without syncing, says so, and holds the stash until killed. {@link #start} runs it from a test.
 */
public final class LockHolder {
    private LockHolder() {
    }

    /** A holder JVM that holds its stash; {@link #close} kills it with SIGKILL, leaving its unsynced writes in the WAL. */
    public static final class Held implements AutoCloseable {
        private final Process process;

        private Held(Process process) {
            this.process = process;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts a holder JVM on the stash {@code dir}; returns once it appended {@code batches} and holds the stash. */
    public static Held start(Path dir, int batches) throws IOException, InterruptedException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            LockHolder.class.getName(), dir.toString(), Integer.toString(batches)).redirectErrorStream(true).start();
        Held held = new Held(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        do {
            line = out.readLine();
        } while (line != null && !line.startsWith("OPEN "));
        if (line == null) {
            held.close();
            throw new IllegalStateException("The holder process ended before it held the stash at " + dir);
        }
        return held;
    }

    public static void main(String[] args) throws Exception {
        try (Stash stash = Stash.open(Paths.get(args[0]), StashOptions.defaults())) {
            TestRecords records = new TestRecords();
            int batches = args.length > 1 ? Integer.parseInt(args[1]) : 0;
            for (int i = 0; i < batches; i++) {
                stash.ledger(TestRecords.SINK).append(List.of(records.batch("t", 0, i, 1)), Map.of(), false);
            }
            System.out.println("OPEN " + stash.id());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
