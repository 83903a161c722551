package io.durastash.stash.internals;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AcknowledgementsTest {
    private final Acknowledgements acks = new Acknowledgements();

    @Test
    void aBatchIsCompleteOnlyOnceReadToItsEndAndFullyAcknowledged() {
        acks.emitted(1, 3, false);
        acks.acknowledged(1, false);
        acks.acknowledged(1, false);
        acks.acknowledged(1, false);
        assertEquals(List.of(), acks.takeCompleted(), "more of the batch is still to be read");
        acks.emitted(1, 2, true);
        acks.acknowledged(1, false);
        assertEquals(List.of(), acks.takeCompleted());
        acks.acknowledged(1, false);
        assertEquals(List.of(1L), acks.takeCompleted());
        assertEquals(List.of(), acks.takeCompleted(), "taken once");
        assertEquals(0, acks.batchesInFlight());
    }

    @Test
    void acknowledgementsMayArriveBeforeTheEndIsReported() {
        acks.emitted(4, 2, false);
        acks.acknowledged(4, false);
        acks.acknowledged(4, false);
        acks.emitted(4, 0, true); // the reader found nothing after the records already emitted
        assertEquals(List.of(4L), acks.takeCompleted());
    }

    @Test
    void batchesCompleteInTheOrderTheirLastAcknowledgementArrives() {
        acks.emitted(1, 2, true);
        acks.emitted(2, 1, true);
        acks.emitted(3, 2, true);
        acks.acknowledged(3, false);
        acks.acknowledged(2, false);
        acks.acknowledged(3, false);
        acks.acknowledged(1, false);
        assertEquals(List.of(2L, 3L), acks.takeCompleted());
        assertEquals(1, acks.batchesInFlight());
        acks.acknowledged(1, false);
        assertEquals(List.of(1L), acks.takeCompleted());
    }

    @Test
    void aBatchWithNothingToEmitIsCompleteAtOnce() {
        acks.nothingToEmit(7);
        assertEquals(List.of(7L), acks.takeCompleted());
    }

    @Test
    void droppedRecordsCountAsHandledAndAreCounted() {
        acks.emitted(1, 3, true);
        acks.acknowledged(1, true);
        acks.acknowledged(1, false);
        acks.acknowledged(1, true);
        assertEquals(List.of(1L), acks.takeCompleted());
        assertEquals(2, acks.droppedRecords());
    }

    @Test
    void acknowledgementsOfUnknownBatchesAreIgnored() {
        acks.acknowledged(42, true);
        assertEquals(List.of(), acks.takeCompleted());
        assertEquals(0, acks.droppedRecords());
        acks.emitted(1, 1, true);
        acks.clear();
        acks.acknowledged(1, false);
        assertEquals(List.of(), acks.takeCompleted(), "cleared batches are delivered again, not completed");
    }

    @Test
    void acknowledgementsFromManyThreadsCompleteEveryBatchOnce() throws Exception {
        int batches = 200;
        int perBatch = 50;
        for (long b = 1; b <= batches; b++) {
            acks.emitted(b, perBatch, true);
        }
        ExecutorService producers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(producers.submit(() -> {
                    for (long b = batches; b >= 1; b--) {
                        for (int r = thread; r < perBatch; r += 8) {
                            acks.acknowledged(b, r % 10 == 0);
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            producers.shutdown();
        }
        List<Long> completed = acks.takeCompleted();
        assertEquals(batches, completed.size());
        assertEquals(batches, completed.stream().distinct().count());
        assertEquals(batches * 5L, acks.droppedRecords());
    }
}
