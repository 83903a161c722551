package io.durastash.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** A test's wait for a condition, with a deadline; its failure names what it waited for and what it saw last. */
public final class Await {
    private static final long PAUSE_MS = 100;

    private Await() {
    }

    /**
     * Looks at {@code probe} until {@code done} holds for what it returns, and returns that; fails after
     * {@code timeout} with {@code what} and the last value seen.
     */
    public static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<? super T> done) {
        Deadline deadline = Deadline.after(timeout);
        while (true) {
            T seen = probe.get();
            if (done.test(seen)) {
                return seen;
            }
            if (deadline.passed()) {
                throw new AssertionError("Timed out after " + deadline.seconds() + " s waiting for " + what
                    + "; last seen: " + seen);
            }
            Deadline.pause(PAUSE_MS);
        }
    }

    /** Waits until {@code condition} holds; fails after {@code timeout} naming {@code what}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, condition::getAsBoolean, Boolean::booleanValue);
    }
}
