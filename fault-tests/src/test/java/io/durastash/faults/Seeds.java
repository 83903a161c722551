package io.durastash.faults;

/** The seed of a test's random kill points: {@code -Dfaults.seed=N} repeats a run, otherwise a new one each run. */
final class Seeds {
    private Seeds() {
    }

    static long seed() {
        String given = System.getProperty("faults.seed");
        return given == null || given.isBlank() ? System.nanoTime() ^ System.currentTimeMillis() : Long.parseLong(given.trim());
    }
}
