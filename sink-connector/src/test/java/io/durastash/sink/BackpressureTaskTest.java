package io.durastash.sink;

import io.durastash.sink.SinkFixture.ReadBatch;
import io.durastash.sink.SinkFixture.Started;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static io.durastash.sink.SinkFixture.records;
import static io.durastash.sink.SinkFixture.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stash.max.bytes at its 1 MiB minimum, records of 250 KiB: four fit, five are above the limit. */
class BackpressureTaskTest {
    private static final TopicPartition P0 = tp("orders", 0);
    private static final TopicPartition P1 = tp("orders", 1);
    private static final TopicPartition P2 = tp("orders", 2);
    private static final int RECORD_BYTES = 250 * 1024;

    @TempDir
    Path dir;
    private SinkFixture fixture;
    private long nextOffset;
    private final Random random = new Random(26);

    @BeforeEach
    void setUp() {
        fixture = new SinkFixture(dir)
            .with(StashSinkConfig.STASH_MAX_BYTES_CONFIG, String.valueOf(1024 * 1024))
            .with(StashSinkConfig.STASH_RESUME_PERCENT_CONFIG, "50");
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void pausesWhenFullAndResumesOnceDrainedWithoutDroppingAnything() {
        Started sink = fixture.start(null, P0, P1);
        FakeSinkTaskContext context = sink.context();

        sink.task().put(big(P0, 2));
        sink.task().put(big(P1, 2));
        assertEquals(Set.of(), context.paused, "four records are not above 1 MiB");
        assertEquals(-1, context.takeTimeout());

        sink.task().put(big(P0, 1));
        assertEquals(Set.of(P0, P1), context.paused);
        assertEquals(StashSinkTask.BACKPRESSURE_RECHECK_MS, context.takeTimeout(), "put() is called again soon");

        // Records the consumer fetched before the pause are still stashed.
        sink.task().put(big(P1, 1));
        sink.task().put(List.of());
        assertEquals(Set.of(P0, P1), context.paused);
        assertEquals(1, context.pauseCalls, "paused once");
        assertEquals(StashSinkTask.BACKPRESSURE_RECHECK_MS, context.takeTimeout(), "empty puts keep rechecking");

        // A partition assigned while paused is paused too.
        context.assign(List.of(P2));
        sink.task().open(List.of(P2));
        sink.task().put(List.of());
        assertEquals(Set.of(P0, P1, P2), context.paused);

        // Drained to 4 of 6 records: 1000 KiB, not below the 512 KiB low-water mark.
        List<ReadBatch> batches = fixture.claimAll();
        assertEquals(6, records(batches).size(), "nothing dropped");
        fixture.acknowledge(List.of(batches.get(0)));
        sink.task().put(List.of());
        assertEquals(Set.of(P0, P1, P2), context.paused);

        fixture.acknowledge(batches);
        context.takeTimeout(); // the worker's poll consumes the timeout
        sink.task().put(List.of());
        assertEquals(Set.of(), context.paused);
        assertEquals(1, context.resumeCalls);
        assertEquals(-1, context.takeTimeout(), "no recheck once resumed");
    }

    @Test
    void revokedPartitionsAreNotResumed() {
        Started sink = fixture.start(null, P0, P1);
        sink.task().put(big(P0, 5));
        assertEquals(Set.of(P0, P1), sink.context().paused);

        sink.task().close(List.of(P1));
        sink.context().revoke(List.of(P1));
        fixture.acknowledge(fixture.claimAll());
        sink.task().put(List.of()); // the fake context throws, as the worker does, on resuming an unassigned partition
        assertEquals(Set.of(), sink.context().paused);
        assertTrue(sink.context().resumeCalls > 0);
    }

    @Test
    void partitionsPausedBeforeAnEagerRebalanceAreResumedOnceDrained() {
        Started sink = fixture.start(null, P0, P1);
        sink.task().put(big(P0, 5));
        assertEquals(Set.of(P0, P1), sink.context().paused);

        sink.context().rebalanceEagerly(sink.task(), List.of(P0, P1));
        assertEquals(Set.of(P0, P1), sink.context().paused, "the worker pauses them again");
        fixture.acknowledge(fixture.claimAll());
        sink.task().put(List.of());

        assertEquals(Set.of(), sink.context().paused, "nothing stays paused once the stash is drained");
    }

    @Test
    void aPartitionThatComesBackWhileFullIsPausedAgain() {
        Started sink = fixture.start(null, P0, P1);
        sink.task().put(big(P0, 5));
        sink.task().close(List.of(P1));
        sink.context().revoke(List.of(P1)); // cooperative: the worker forgets its pause

        sink.context().assign(List.of(P1));
        sink.task().open(List.of(P1));

        assertEquals(Set.of(P0, P1), sink.context().paused);
    }

    @Test
    void belowTheFreeDiskFloorTheSinkGivesBackTheSpaceOfWhatWasDrained() throws Exception {
        fixture.with(StashSinkConfig.STASH_MIN_FREE_BYTES_CONFIG, String.valueOf(1L << 50)); // always below it
        Started sink = fixture.start(null, P0);
        sink.task().put(big(P0, 4));
        assertEquals(Set.of(P0), sink.context().paused);
        fixture.acknowledge(fixture.claimAll());
        long held = storedBytes();

        sink.task().put(List.of());

        long after = storedBytes();
        assertTrue(after < held / 10, "the drained stash still takes " + after + " of " + held + " bytes");
        assertEquals(Set.of(P0), sink.context().paused, "the filesystem is still below the floor");
    }

    /** The bytes of the stash's WAL and SST files. */
    private long storedBytes() throws Exception {
        return storedBytes(".log") + storedBytes(".sst");
    }

    private long storedBytes(String suffix) throws Exception {
        try (Stream<Path> files = Files.list(fixture.stashPath())) {
            return files.filter(f -> f.toString().endsWith(suffix)).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private List<SinkRecord> big(TopicPartition partition, int count) {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[RECORD_BYTES];
            random.nextBytes(value); // incompressible: the stash's files hold what the records take
            records.add(new SinkRecord(partition.topic(), partition.partition(), null, null, Schema.BYTES_SCHEMA,
                value, nextOffset++, 0L, TimestampType.CREATE_TIME));
        }
        return records;
    }
}
