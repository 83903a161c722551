package io.durastash.local;

/**
 * Where the records are, as Kafka and Connect report them (see {@link PipelineProbe} for where each number comes
 * from). Each is a total: over the topics' lives ({@code in}, {@code stashed}, {@code emitted}), or since the worker
 * started ({@code acked}, -1 when unknown).
 */
record PipelineCounts(long in, long stashed, long emitted, long acked) {
    static final PipelineCounts ZERO = new PipelineCounts(0, 0, 0, 0);

    /** What changed since {@code start}; {@code acked} stays as it is (it already starts at 0 with the worker). */
    PipelineCounts since(PipelineCounts start) {
        return new PipelineCounts(in - start.in, stashed - start.stashed, emitted - start.emitted, acked);
    }
}
