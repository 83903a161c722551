package io.durastash.connect;

import java.util.Arrays;
import java.util.Locale;

/**
 * The fixes a test run can switch off in a worker, to show that each one matters: the worker's JVM is started with
 * {@code -Ddurastash.switched.off=<fix>[,<fix>...]}. Never set in production; every fix is on without it.
 */
public enum SwitchedOff {
    /** The delivery gate: every record leaves the stash, whoever owns its input partition now. */
    GATE,
    /** The settling of partitions before an offset commit: records in flight are not waited for. */
    SETTLE,
    /** The group generation in transactional commits: input offsets are committed without the owning member's. */
    GENERATION;

    /** The system property that lists the fixes switched off. */
    public static final String PROPERTY = "durastash.switched.off";

    /** Whether this fix is switched off in this JVM. */
    public boolean isOff() {
        String off = System.getProperty(PROPERTY, "");
        return Arrays.stream(off.split(",")).map(s -> s.trim().toUpperCase(Locale.ROOT)).anyMatch(name()::equals);
    }
}
