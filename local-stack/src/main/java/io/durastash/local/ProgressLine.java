package io.durastash.local;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The live progress line: every second, the counts of this run. On a terminal it redraws one line in place; in a
 * log (headless, or output not to a terminal) it prints a line every few seconds. Other messages go through
 * {@link #say} so they do not collide with the line.
 */
final class ProgressLine implements AutoCloseable {
    private static final long TICK_MS = 1000;
    private static final int LOG_EVERY_TICKS = 5;

    private final PipelineProbe probe;
    private final PipelineCounts start;
    private final PrintStream out;
    private final boolean interactive;
    private final long startedNanos = System.nanoTime();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile PipelineCounts latest;
    private boolean lineShown;

    ProgressLine(PipelineProbe probe, PipelineCounts start, PrintStream out, boolean interactive) {
        this.probe = probe;
        this.start = start;
        this.latest = start;
        this.out = out;
        this.interactive = interactive;
        this.thread = new Thread(this::run, "durastash-local-progress");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The last sample: totals, not the run's deltas. */
    PipelineCounts latest() {
        return latest;
    }

    /** Samples now, outside the timer. */
    PipelineCounts sampleNow() {
        PipelineCounts counts = probe.sample();
        latest = counts;
        return counts;
    }

    /** Prints {@code message} on its own line(s), then the progress line goes on below it. */
    synchronized void say(String message) {
        clearLine();
        out.println(message);
        out.flush();
    }

    private void run() {
        long ticks = 0;
        PipelineCounts previous = latest;
        long previousNanos = System.nanoTime();
        try {
            while (!stopped.await(TICK_MS, TimeUnit.MILLISECONDS)) {
                PipelineCounts now;
                try {
                    now = probe.sample();
                } catch (Exception e) {
                    continue;
                }
                latest = now;
                long nanos = System.nanoTime();
                double rate = (now.emitted() - previous.emitted()) * 1e9 / Math.max(1, nanos - previousNanos);
                previous = now;
                previousNanos = nanos;
                ticks++;
                if (interactive || ticks % LOG_EVERY_TICKS == 0) {
                    show(format(now.since(start), rate, (nanos - startedNanos) / 1_000_000_000L));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void show(String line) {
        if (stopped.getCount() == 0) {
            return;
        }
        if (interactive) {
            out.print("\r" + line + "\033[K");
            lineShown = true;
        } else {
            out.println("progress: " + line);
        }
        out.flush();
    }

    private void clearLine() {
        if (lineShown) {
            out.print("\r\033[K");
            lineShown = false;
        }
    }

    static String format(PipelineCounts run, double rate, long seconds) {
        return String.format(Locale.ROOT, "%5ds  %s | %,.0f rec/s", seconds, counts(run), rate);
    }

    /** "in N | stashed N | emitted N | acked N": the counts of a run, without the rate. */
    static String counts(PipelineCounts run) {
        return String.format(Locale.ROOT, "in %,d | stashed %,d | emitted %,d | acked %s", run.in(), run.stashed(),
            run.emitted(), run.acked() < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", run.acked()));
    }

    @Override
    public void close() {
        stopped.countDown();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (lineShown) {
                out.println();
                lineShown = false;
            }
        }
    }
}
