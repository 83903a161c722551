package io.durastash.testkit.records;

/** One partition of a numbered series, as it went into the input topic: where the numbers 0, 1, 2, ... run. */
public record InputPartition(String series, int partition) {
    @Override
    public String toString() {
        return series + ":" + partition;
    }
}
