package io.durastash.local;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The progress line's {@code stashed}: what reached the stash, each record once, never more than came in. */
class PipelineCountsTest {
    @Test
    void recordsHandedOutAreCountedOnTheOutputTopicOnly() {
        // 100,000 in; 60,000 on the output topic; 30,000 still pending in the stash (handed-out ones are not pending).
        assertEquals(90_000, PipelineCounts.of(100_000, 60_000, 30_000, 59_000).stashed());
    }

    @Test
    void stashedIsNeverAboveIn() {
        // After a crash the output may hold a record twice: the line still says no more reached the stash than came in.
        assertEquals(100_000, PipelineCounts.of(100_000, 100_500, 0, 100_500).stashed());
        assertEquals(100_000, PipelineCounts.of(100_000, 99_000, 2_000, 99_000).stashed());
    }

    @Test
    void sinceTheStartOfARunCountsOnlyTheRun() {
        PipelineCounts start = PipelineCounts.of(1_000, 1_000, 0, 0);
        PipelineCounts now = PipelineCounts.of(3_000, 2_500, 400, 1_500);
        assertEquals(new PipelineCounts(2_000, 1_900, 1_500, 1_500), now.since(start));
    }
}
