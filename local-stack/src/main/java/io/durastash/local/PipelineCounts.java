package io.durastash.local;

/**
 * Where the records are, as Kafka and Connect report them (see {@link PipelineProbe} for where each number comes
 * from). Each is a total: over the topics' lives ({@code in}, {@code stashed}, {@code emitted}), or since the worker
 * started ({@code acked}, -1 when unknown).
 */
record PipelineCounts(long in, long stashed, long emitted, long acked) {
    static final PipelineCounts ZERO = new PipelineCounts(0, 0, 0, 0);

    /**
     * The counts from what Kafka and the stash report: {@code stashed} is what reached the stash, the records on the
     * output topics and those the stash holds not yet handed out ({@code pending}), at most {@code in}. Records handed
     * out and not deleted yet are on the output topic already, or about to be: counted there, not twice.
     */
    static PipelineCounts of(long in, long emitted, long pending, long acked) {
        return new PipelineCounts(in, Math.min(in, emitted + pending), emitted, acked);
    }

    /** What changed since {@code start}; {@code acked} stays as it is (it already starts at 0 with the worker). */
    PipelineCounts since(PipelineCounts start) {
        return new PipelineCounts(in - start.in, stashed - start.stashed, emitted - start.emitted, acked);
    }
}
