package io.durastash.stash;

import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.Recovery;
import io.durastash.stash.internals.StashKeys;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashRecord;
import io.durastash.stash.testing.RawStash;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A stash written in format version 1 (checked into the test resources; see its README) opens and drains today. */
class StashFormatUpgradeTest {
    @TempDir
    Path dir;
    private final TestRecords records = new TestRecords();

    private Path formatOneStash() throws IOException, URISyntaxException {
        Path fixture = Path.of(getClass().getResource("/stash-format-1/CURRENT").toURI()).getParent();
        Path copy = dir.resolve("stash");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(fixture)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    @Test
    void aFormatOneStashOpensAndDrainsEveryRecordWithItsOffsets() throws Exception {
        try (Stash stash = Stash.open(formatOneStash(), StashOptions.defaults())) {
            assertEquals(Map.of(new TopicPartition("orders", 0), 299L, new TopicPartition("orders", 1), 9L,
                new TopicPartition("payments", 0), 4L), stash.ledger(TestRecords.SINK).stashedOffsets());
            assertEquals(0, stash.inspect().verify(10).damageCount());

            TestDrainer drainer = TestDrainer.active(stash);
            List<TestDrainer.Emitted> drained = drainer.drainAll();

            assertEquals(315, drained.size());
            List<String> expected = new ArrayList<>();
            for (int offset = 0; offset < 300; offset++) {
                expected.add("value-" + offset);
            }
            for (int offset = 0; offset < 10; offset++) {
                expected.add("value-" + offset);
            }
            assertEquals(expected, TestDrainer.values(drained.subList(0, 310)));
            assertEquals("orders", drained.get(309).record().record().topic());
            assertEquals(1, drained.get(309).record().record().partition());
            List<TestDrainer.Emitted> payments = drained.subList(310, 315);
            for (int offset = 0; offset < 5; offset++) {
                StashRecord record = payments.get(offset).record().record();
                assertEquals("payments", record.topic());
                assertEquals(offset, record.offset());
                assertEquals(offset == 3 ? null : "k" + offset, record.key());
                assertEquals("v" + offset, record.headers().lastWithName("h").value());
                if (offset == 4) {
                    assertNull(record.value());
                } else {
                    Struct value = (Struct) record.value();
                    assertEquals((long) offset, value.getInt64("id"));
                    assertEquals(offset == 2 ? null : "note-" + offset, value.getString("note"));
                }
            }
            drainer.acknowledge(drained);
            assertEquals(0, stash.stats().liveBatches());
        }
    }

    @Test
    void batchesWrittenAfterTheUpgradeDrainAfterTheOldOnesAcrossAReopen() throws Exception {
        Path stashDir = formatOneStash();
        long newBatch;
        try (Stash stash = Stash.open(stashDir, StashOptions.defaults())) {
            newBatch = records.appendBatch(stash, "orders", 0, 300, 700).id();
        }
        try (RawStash raw = new RawStash(stashDir)) {
            assertEquals(Recovery.FORMAT_VERSION, StashKeys.longValue(raw.get(Family.DEFAULT, StashKeys.FORMAT_VERSION)),
                "the new format is recorded, so that an older DuraStash refuses the stash");
            assertEquals(2, raw.keys(Family.DATA).stream().filter(key -> StashKeys.batchId(key) == newBatch).count(),
                "700 records in two blocks");
            assertEquals(315 + 700, raw.countRecords());
        }
        try (Stash stash = Stash.open(stashDir, StashOptions.defaults())) {
            assertEquals(0, stash.inspect().verify(10).damageCount());
            TestDrainer drainer = TestDrainer.active(stash);
            List<TestDrainer.Emitted> drained = drainer.drainAll();

            assertEquals(1015, drained.size());
            List<String> last = TestDrainer.values(drained.subList(315, 1015));
            for (int i = 0; i < 700; i++) {
                assertEquals("value-" + (300 + i), last.get(i));
            }
            drainer.acknowledge(drained);
            assertEquals(0, stash.stats().liveBatches());
        }
    }
}
