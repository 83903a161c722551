package io.durastash.bench;

/**
 * End-to-end latencies in whole milliseconds (record timestamps have millisecond resolution): a count per
 * millisecond up to 10 minutes, so percentiles are exact at that resolution. Not thread-safe.
 */
final class LatencyHistogram {
    private static final int MAX_MS = 600_000;

    private final long[] counts = new long[MAX_MS + 1];
    private long total;
    private long max;

    void record(long latencyMs) {
        long clamped = Math.max(0, Math.min(latencyMs, MAX_MS));
        counts[(int) clamped]++;
        total++;
        max = Math.max(max, latencyMs);
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    /** The smallest latency that at least {@code fraction} of the records did not exceed. */
    long percentile(double fraction) {
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int ms = 0; ms <= MAX_MS; ms++) {
            seen += counts[ms];
            if (seen >= rank) {
                return ms;
            }
        }
        return MAX_MS;
    }
}
