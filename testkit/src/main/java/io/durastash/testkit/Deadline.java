package io.durastash.testkit;

import java.time.Duration;

/**
 * A point in time a wait gives up at, and the pause between two looks. Waits in the kit are loops over a condition
 * that say, when the deadline passes, what they saw last: never a sleep that hopes the condition holds by then.
 */
public final class Deadline {
    private final Duration timeout;
    private final long endNanos;

    private Deadline(Duration timeout) {
        this.timeout = timeout;
        this.endNanos = System.nanoTime() + timeout.toNanos();
    }

    public static Deadline after(Duration timeout) {
        return new Deadline(timeout);
    }

    public boolean passed() {
        return System.nanoTime() >= endNanos;
    }

    /** The timeout, for a message: "within 30 s". */
    public long seconds() {
        return timeout.toSeconds();
    }

    /** Sleeps {@code millis}; an interrupt ends the wait with an unchecked exception, the interrupt flag kept. */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
