package io.durastash.sink;

import io.durastash.sink.SinkFixture.ReadBatch;
import io.durastash.sink.SinkFixture.Started;
import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.durastash.sink.SinkFixture.bytes;
import static io.durastash.sink.SinkFixture.bytesRecord;
import static io.durastash.sink.SinkFixture.positions;
import static io.durastash.sink.SinkFixture.records;
import static io.durastash.sink.SinkFixture.tp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StashSinkTaskTest {
    /** An offset as the sink lets Connect commit it, with its commit metadata. */
    private static OffsetAndMetadata committed(long offset) {
        return new OffsetAndMetadata(offset, InputOffsets.COMMIT_METADATA);
    }

    private static final TopicPartition ORDERS_0 = tp("orders", 0);
    private static final TopicPartition ORDERS_1 = tp("orders", 1);
    private static final TopicPartition PAYMENTS_0 = tp("payments", 0);

    @TempDir
    Path dir;
    private SinkFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new SinkFixture(dir);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void bytesRoundTripIsExact() {
        byte[] everyByte = new byte[256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        ConnectHeaders headers = new ConnectHeaders();
        headers.add("trace", bytes("abc"), Schema.OPTIONAL_BYTES_SCHEMA);
        headers.add("empty", new byte[0], Schema.OPTIONAL_BYTES_SCHEMA);
        headers.add("dup", bytes("first"), Schema.OPTIONAL_BYTES_SCHEMA);
        headers.add("dup", bytes("second"), Schema.OPTIONAL_BYTES_SCHEMA);
        headers.add("absent", null, Schema.OPTIONAL_BYTES_SCHEMA);
        headers.addString("text", "");
        List<SinkRecord> in = List.of(
            new SinkRecord("orders", 0, Schema.OPTIONAL_BYTES_SCHEMA, null, Schema.OPTIONAL_BYTES_SCHEMA, bytes("no key"),
                10, 1_000L, TimestampType.CREATE_TIME),
            new SinkRecord("orders", 0, Schema.OPTIONAL_BYTES_SCHEMA, bytes("k"), Schema.OPTIONAL_BYTES_SCHEMA, null,
                11, 2_000L, TimestampType.LOG_APPEND_TIME, headers),
            new SinkRecord("orders", 0, Schema.OPTIONAL_BYTES_SCHEMA, new byte[0], Schema.OPTIONAL_BYTES_SCHEMA, everyByte,
                12, null, TimestampType.NO_TIMESTAMP_TYPE),
            new SinkRecord("orders", 0, null, null, null, null, 13, -1L, TimestampType.CREATE_TIME));

        Started sink = fixture.start(null, ORDERS_0);
        sink.task().put(in);

        List<ReadBatch> batches = fixture.claimAll();
        assertEquals(1, batches.size());
        List<StashRecord> out = batches.get(0).records();
        assertEquals(in.size(), out.size());
        for (int i = 0; i < in.size(); i++) {
            assertSameRecord(in.get(i), out.get(i));
        }
        assertEquals(List.of("trace", "empty", "dup", "dup", "absent", "text"), headerKeys(out.get(1)));
    }

    @Test
    void schemaRoundTripComesBackEqual() {
        Schema address = SchemaBuilder.struct().name("com.example.Address").version(3).doc("where it goes")
            .field("street", Schema.STRING_SCHEMA)
            .field("zip", Schema.OPTIONAL_INT32_SCHEMA)
            .optional().build();
        Schema amount = Decimal.builder(2).optional().build();
        Schema schema = SchemaBuilder.struct().name("com.example.Order").version(1)
            .parameter("source", "test")
            .field("id", Schema.INT64_SCHEMA)
            .field("tiny", Schema.INT8_SCHEMA)
            .field("small", Schema.INT16_SCHEMA)
            .field("ratio", Schema.FLOAT32_SCHEMA)
            .field("score", Schema.FLOAT64_SCHEMA)
            .field("paid", Schema.BOOLEAN_SCHEMA)
            .field("blob", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("total", Decimal.schema(3))
            .field("discount", amount)
            .field("refund", amount)
            .field("day", Date.SCHEMA)
            .field("at", Time.SCHEMA)
            .field("created", Timestamp.SCHEMA)
            .field("shipped", Timestamp.builder().optional().build())
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .field("lines", SchemaBuilder.array(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_INT64_SCHEMA).build()).build())
            .field("prices", SchemaBuilder.map(Schema.STRING_SCHEMA, Decimal.schema(2)).optional().build())
            .field("address", address)
            .field("billing", address)
            .field("note", SchemaBuilder.string().optional().defaultValue("none").build())
            .field("priority", SchemaBuilder.int32().defaultValue(5).build())
            .build();
        Map<String, Long> line = new LinkedHashMap<>();
        line.put("qty", 2L);
        line.put("missing", null);
        Map<String, BigDecimal> prices = new LinkedHashMap<>();
        prices.put("a", new BigDecimal("1.50"));
        prices.put("b", new BigDecimal("-20.00"));
        Struct value = new Struct(schema)
            .put("id", 42L)
            .put("tiny", (byte) -3)
            .put("small", (short) 300)
            .put("ratio", 0.25f)
            .put("score", Double.NaN)
            .put("paid", true)
            .put("blob", new byte[] {1, 2, 3})
            .put("total", new BigDecimal("12345.678"))
            .put("discount", new BigDecimal("0.99"))
            .put("day", new java.util.Date(19_000L * 24 * 60 * 60 * 1000))
            .put("at", new java.util.Date(12_345_678L))
            .put("created", new java.util.Date(1_700_000_000_123L))
            .put("tags", List.of("new", "gift"))
            .put("lines", List.of(line, Map.of()))
            .put("prices", prices)
            .put("address", new Struct(address).put("street", "Main St 1").put("zip", 1234))
            .put("priority", 1);
        Schema keySchema = SchemaBuilder.struct().name("com.example.OrderKey").field("id", Schema.INT64_SCHEMA).build();
        Struct key = new Struct(keySchema).put("id", 42L);
        ConnectHeaders headers = new ConnectHeaders();
        headers.addDecimal("amount", new BigDecimal("3.14"));
        headers.addTimestamp("seen", new java.util.Date(1_700_000_000_000L));
        headers.addStruct("who", new Struct(keySchema).put("id", 7L));

        Started sink = fixture.start(null, ORDERS_0);
        sink.task().put(List.of(new SinkRecord("orders", 0, keySchema, key, schema, value, 5, 99L,
            TimestampType.CREATE_TIME, headers)));

        StashRecord out = records(fixture.claimAll()).get(0);
        assertEquals(schema, out.valueSchema());
        assertEquals(value, out.value());
        assertEquals(keySchema, out.keySchema());
        assertEquals(key, out.key());
        assertEquals("none", ((Struct) out.value()).get("note"));
        Iterator<Header> read = out.headers().iterator();
        for (Header header : headers) {
            Header back = read.next();
            assertEquals(header.key(), back.key());
            assertEquals(header.schema(), back.schema());
            assertEquals(header.value(), back.value());
        }
    }

    @Test
    void groupsByTopicKeepingPartitionOrder() {
        Started sink = fixture.start(null, ORDERS_0, ORDERS_1, PAYMENTS_0);
        sink.task().put(List.of(
            bytesRecord("orders", 0, 0, "a", "1"),
            bytesRecord("payments", 0, 0, "b", "2"),
            bytesRecord("orders", 1, 0, "c", "3"),
            bytesRecord("orders", 0, 1, "d", "4"),
            bytesRecord("payments", 0, 1, "e", "5")));

        List<ReadBatch> batches = fixture.claimAll();
        assertEquals(List.of("orders", "payments"), batches.stream().map(b -> b.metadata().group()).toList());
        assertEquals(List.of("orders-0@0", "orders-1@0", "orders-0@1"), positions(batches.get(0).records()));
        assertEquals(List.of("payments-0@0", "payments-0@1"), positions(batches.get(1).records()));
    }

    @Test
    void groupsByNoneIntoOneBatchPerPoll() {
        fixture.with(StashSinkConfig.GROUP_BY_CONFIG, "NONE");
        Started sink = fixture.start(null, ORDERS_0, PAYMENTS_0);
        sink.task().put(List.of(bytesRecord("orders", 0, 0, "a", "1"), bytesRecord("payments", 0, 0, "b", "2"),
            bytesRecord("orders", 0, 1, "c", "3")));
        sink.task().put(List.of(bytesRecord("orders", 0, 2, "d", "4")));

        List<ReadBatch> batches = fixture.claimAll();
        assertEquals(List.of("", ""), batches.stream().map(b -> b.metadata().group()).toList());
        assertEquals(List.of("orders-0@0", "payments-0@0", "orders-0@1"), positions(batches.get(0).records()));
        assertEquals(List.of("orders-0@2"), positions(batches.get(1).records()));
    }

    @Test
    void groupsByHeaderAndSplitsWhereAPartitionInterleavesGroups() {
        fixture.with(StashSinkConfig.GROUP_BY_CONFIG, "header").with(StashSinkConfig.GROUP_BY_HEADER_CONFIG, "tenant");
        Started sink = fixture.start(null, ORDERS_0, ORDERS_1);
        sink.task().put(List.of(
            tenant(bytesRecord("orders", 0, 0, "k", "v"), "acme"),
            tenant(bytesRecord("orders", 1, 0, "k", "v"), "globex"),
            tenant(bytesRecord("orders", 0, 1, "k", "v"), "acme"),
            tenant(bytesRecord("orders", 0, 2, "k", "v"), "globex"),
            bytesRecord("orders", 1, 1, "k", "v"),
            tenant(bytesRecord("orders", 0, 3, "k", "v"), "acme")));

        List<ReadBatch> batches = fixture.claimAll();
        assertEquals(List.of("acme", "globex", "", "acme"), batches.stream().map(b -> b.metadata().group()).toList());
        assertEquals(List.of("orders-0@0", "orders-0@1"), positions(batches.get(0).records()));
        assertEquals(List.of("orders-1@0", "orders-0@2"), positions(batches.get(1).records()));
        assertEquals(List.of("orders-1@1"), positions(batches.get(2).records()));
        assertEquals(List.of("orders-0@3"), positions(batches.get(3).records()));
        List<String> all = positions(records(batches));
        assertTrue(all.indexOf("orders-0@2") < all.indexOf("orders-0@3"), "partition order kept: " + all);
        assertEquals(Map.of(ORDERS_0, 3L, ORDERS_1, 1L), fixture.stash().ledger(SinkFixture.CONNECTOR).stashedOffsets());
    }

    @Test
    void emptyPollWritesNothing() {
        Started sink = fixture.start(null, ORDERS_0);
        sink.task().put(List.of());
        assertEquals(0, fixture.stash().stats().liveBatches());
        assertEquals(Map.of(), fixture.stash().ledger(SinkFixture.CONNECTOR).stashedOffsets());
        assertEquals(Map.of(ORDERS_0, committed(0)), sink.task().preCommit(Map.of(ORDERS_0, new OffsetAndMetadata(0))),
            "the position, where nothing is past");
    }

    @Test
    void usesTheOriginalPositionWhenTransformsRenameTheTopic() {
        fixture.with(StashSinkConfig.INPUT_COMMIT_CONFIG, "stashed");
        Started sink = fixture.start(null, ORDERS_0);
        SinkRecord original = bytesRecord("orders", 0, 7, "k", "v");
        SinkRecord routed = original.newRecord("renamed-orders", 4, original.keySchema(), original.key(),
            original.valueSchema(), original.value(), original.timestamp());
        sink.task().put(List.of(routed));

        List<ReadBatch> batches = fixture.claimAll();
        assertEquals("renamed-orders", batches.get(0).metadata().group());
        assertEquals(List.of("orders-0@7"), positions(batches.get(0).records()));
        assertEquals(Map.of(ORDERS_0, 7L), fixture.stash().ledger(SinkFixture.CONNECTOR).stashedOffsets());
        assertEquals(Map.of(ORDERS_0, committed(8)), sink.task().preCommit(Map.of(ORDERS_0, new OffsetAndMetadata(8))));
    }

    @Test
    void redeliveryAfterACrashIsNotStashedTwice() {
        fixture.with(StashSinkConfig.INPUT_COMMIT_CONFIG, "stashed");
        List<SinkRecord> poll = List.of(bytesRecord("orders", 0, 0, "a", "1"), bytesRecord("orders", 0, 1, "b", "2"),
            bytesRecord("orders", 1, 0, "c", "3"));
        Started first = fixture.start(null, ORDERS_0, ORDERS_1);
        first.task().put(poll);
        first.task().stop(); // a crash: no preCommit, so Kafka's committed offsets are still at the start

        Started second = fixture.start(null, ORDERS_0, ORDERS_1);
        Map<TopicPartition, OffsetAndMetadata> consumerAtStart = Map.of(ORDERS_0, new OffsetAndMetadata(0),
            ORDERS_1, new OffsetAndMetadata(0));
        // Before the redelivered records are seen, never commit past the consumer's position.
        assertEquals(Map.of(ORDERS_0, committed(0), ORDERS_1, committed(0)), second.task().preCommit(consumerAtStart));
        List<SinkRecord> redelivered = new ArrayList<>(poll);
        redelivered.add(bytesRecord("orders", 0, 2, "d", "4"));
        second.task().put(redelivered);

        assertEquals(List.of("orders-0@0", "orders-0@1", "orders-1@0", "orders-0@2"), positions(records(fixture.claimAll())));
        Map<TopicPartition, OffsetAndMetadata> committed = second.task().preCommit(Map.of(
            ORDERS_0, new OffsetAndMetadata(3), ORDERS_1, new OffsetAndMetadata(1), PAYMENTS_0, new OffsetAndMetadata(5)));
        assertEquals(Map.of(ORDERS_0, committed(3), ORDERS_1, committed(1)), committed);
    }

    @Test
    void eachRunOfARedeliveredPollIsSkippedUpToWhatItsOwnPartitionStashed() {
        Started first = fixture.start(null, ORDERS_0, ORDERS_1);
        first.task().put(List.of(bytesRecord("orders", 0, 0, "a", "1"), bytesRecord("orders", 1, 0, "b", "2"),
            bytesRecord("orders", 1, 1, "c", "3"), bytesRecord("orders", 1, 2, "d", "4")));
        first.task().stop();

        Started second = fixture.start(null, ORDERS_0, ORDERS_1);
        second.task().put(List.of(
            bytesRecord("orders", 0, 0, "a", "1"), bytesRecord("orders", 0, 1, "e", "5"), // crosses what is stashed
            bytesRecord("orders", 1, 1, "c", "3"), bytesRecord("orders", 1, 2, "d", "4"),
            bytesRecord("orders", 1, 3, "f", "6"),
            bytesRecord("orders", 0, 2, "g", "7")));

        assertEquals(List.of("orders-0@0", "orders-1@0", "orders-1@1", "orders-1@2", "orders-0@1", "orders-1@3",
            "orders-0@2"), positions(records(fixture.claimAll())));
        assertEquals(Map.of(ORDERS_0, 2L, ORDERS_1, 3L), fixture.stash().ledger(SinkFixture.CONNECTOR).stashedOffsets());
    }

    @Test
    void preCommitReturnsOnlyStashedOffsetsAndSyncsFirst() {
        fixture.with(StashSinkConfig.INPUT_COMMIT_CONFIG, "stashed");
        fixture.with(StashSinkConfig.STASH_SYNC_CONFIG, "false");
        Started sink = fixture.start(null, ORDERS_0, ORDERS_1);
        sink.task().put(List.of(bytesRecord("orders", 0, 4, "a", "1"), bytesRecord("orders", 0, 5, "b", "2")));
        long syncs = fixture.stash().ledger("sink").walSyncs().syncs();

        // Offsets 6 and 7 were consumed but filtered by a transform; orders-1 saw nothing.
        Map<TopicPartition, OffsetAndMetadata> committed = sink.task().preCommit(Map.of(
            ORDERS_0, new OffsetAndMetadata(8), ORDERS_1, new OffsetAndMetadata(3)));
        assertEquals(Map.of(ORDERS_0, committed(6)), committed);
        assertEquals(syncs + 1, fixture.stash().ledger("sink").walSyncs().syncs(), "the offsets committed are durable: one sync first");
    }

    @Test
    void unencodableRecordGoesToTheErrantRecordReporter() {
        fixture.with(StashSinkConfig.INPUT_COMMIT_CONFIG, "stashed");
        RecordingErrantReporter reporter = new RecordingErrantReporter();
        Started sink = fixture.start(reporter, ORDERS_0);
        SinkRecord bad = new SinkRecord("orders", 0, null, "key", null, UUID.randomUUID(), 1);
        sink.task().put(List.of(bytesRecord("orders", 0, 0, "a", "1"), bad, bytesRecord("orders", 0, 2, "c", "3")));

        assertEquals(List.of(bad), reporter.records);
        assertInstanceOf(DataException.class, reporter.errors.get(0));
        assertEquals(List.of("orders-0@0", "orders-0@2"), positions(records(fixture.claimAll())));
        assertEquals(Map.of(ORDERS_0, committed(3)), sink.task().preCommit(Map.of(ORDERS_0, new OffsetAndMetadata(3))));

        // A poll of only bad records still moves the stashed offset, so a redelivery does not report it again.
        SinkRecord alsoBad = new SinkRecord("orders", 0, null, null, null, UUID.randomUUID(), 3);
        sink.task().put(List.of(alsoBad));
        sink.task().put(List.of(alsoBad));
        assertEquals(2, reporter.records.size());
        assertEquals(Map.of(ORDERS_0, 3L), fixture.stash().ledger(SinkFixture.CONNECTOR).stashedOffsets());
    }

    @Test
    void unencodableRecordFailsTheTaskWithoutAReporter() {
        Started sink = fixture.start(null, ORDERS_0);
        SinkRecord bad = new SinkRecord("orders", 0, null, null, null, UUID.randomUUID(), 41);
        ConnectException e = assertThrows(ConnectException.class,
            () -> sink.task().put(List.of(bytesRecord("orders", 0, 40, "a", "1"), bad)));

        assertTrue(e.getMessage().contains("topic 'orders', partition 0, offset 41"), e.getMessage());
        assertTrue(e.getMessage().contains("java.util.UUID"), e.getMessage());
        assertInstanceOf(DataException.class, e.getCause());
        assertEquals(0, fixture.stash().stats().liveBatches(), "nothing of the failed poll is stashed");
    }

    @Test
    void partitionStateFollowsOpenAndClose() {
        fixture.with(StashSinkConfig.INPUT_COMMIT_CONFIG, "stashed");
        Started a = fixture.start(null, ORDERS_0, ORDERS_1);
        a.task().put(List.of(bytesRecord("orders", 0, 0, "a", "1"), bytesRecord("orders", 1, 0, "b", "2")));

        // orders-1 moves to task b, which stashes more of it; then it moves back to a.
        a.task().close(List.of(ORDERS_1));
        a.context().revoke(List.of(ORDERS_1));
        assertEquals(Map.of(ORDERS_0, committed(1)), a.task().preCommit(Map.of(ORDERS_0, new OffsetAndMetadata(1))));
        Started b = fixture.start(null, ORDERS_1);
        b.task().put(List.of(bytesRecord("orders", 1, 0, "b", "2"), bytesRecord("orders", 1, 1, "c", "3")));
        b.task().close(List.of(ORDERS_1));
        a.context().assign(List.of(ORDERS_1));
        a.task().open(List.of(ORDERS_1));
        a.task().put(List.of(bytesRecord("orders", 1, 1, "c", "3"), bytesRecord("orders", 1, 2, "d", "4")));

        assertEquals(List.of("orders-0@0", "orders-1@0", "orders-1@1", "orders-1@2"), positions(records(fixture.claimAll())));
        assertEquals(Map.of(ORDERS_0, committed(1), ORDERS_1, committed(3)),
            a.task().preCommit(Map.of(ORDERS_0, new OffsetAndMetadata(1), ORDERS_1, new OffsetAndMetadata(3))));
    }

    @Test
    void deliveredModeCommitsOnlyWhatKafkaAcknowledged() {
        Started sink = fixture.start(null, ORDERS_0);
        sink.task().put(List.of(bytesRecord("orders", 0, 0, "a", "1"), bytesRecord("orders", 0, 1, "b", "2")));
        sink.task().put(List.of(bytesRecord("orders", 0, 2, "c", "3")));
        Map<TopicPartition, OffsetAndMetadata> consumed = Map.of(ORDERS_0, new OffsetAndMetadata(3));

        assertEquals(Map.of(ORDERS_0, committed(0)), sink.task().preCommit(consumed), "stashed, not delivered");
        List<ReadBatch> batches = fixture.claimAll();
        fixture.acknowledge(batches.subList(0, 1));
        assertEquals(Map.of(ORDERS_0, committed(2)), sink.task().preCommit(consumed));
        fixture.acknowledge(batches.subList(1, 2));
        assertEquals(Map.of(ORDERS_0, committed(3)), sink.task().preCommit(consumed));
    }

    @Test
    void aRedeliveryOnTheSameDiskIsSkippedAndCommittedOnceDelivered() {
        Started first = fixture.start(null, ORDERS_0);
        first.task().put(List.of(bytesRecord("orders", 0, 0, "a", "1"), bytesRecord("orders", 0, 1, "b", "2")));
        first.task().preCommit(Map.of(ORDERS_0, new OffsetAndMetadata(2)));
        first.task().stop(); // a crash: Kafka's committed offset is still 0, what was delivered

        Started second = fixture.start(null, ORDERS_0);
        second.task().put(List.of(bytesRecord("orders", 0, 0, "a", "1"), bytesRecord("orders", 0, 1, "b", "2"),
            bytesRecord("orders", 0, 2, "c", "3")));

        List<ReadBatch> batches = fixture.claimAll();
        assertEquals(List.of("orders-0@0", "orders-0@1", "orders-0@2"), positions(records(batches)), "not stashed twice");
        fixture.acknowledge(batches);
        assertEquals(Map.of(ORDERS_0, committed(3)), second.task().preCommit(Map.of(ORDERS_0, new OffsetAndMetadata(3))));
    }

    @Test
    void aResetToBelowWhatThisStashCommittedStashesTheRecordsAgain() {
        Started first = fixture.start(null, ORDERS_0);
        first.task().put(List.of(bytesRecord("orders", 0, 0, "a", "1"), bytesRecord("orders", 0, 1, "b", "2")));
        fixture.acknowledge(fixture.claimAll());
        assertEquals(Map.of(ORDERS_0, committed(2)), first.task().preCommit(Map.of(ORDERS_0, new OffsetAndMetadata(2))));
        first.task().stop();

        // PATCH /connectors/<name>/offsets on another worker (or any other tool): back to 0, without the sink's metadata.
        fixture.committed.put(ORDERS_0, new OffsetAndMetadata(0));
        Started second = fixture.start(null, ORDERS_0);
        second.task().put(List.of(bytesRecord("orders", 0, 0, "a", "1"), bytesRecord("orders", 0, 1, "b", "2")));

        assertEquals(List.of("orders-0@0", "orders-0@1"), positions(records(fixture.claimAll())), "stashed again");
        assertEquals(Map.of(ORDERS_0, 1L), fixture.stash().ledger(SinkFixture.CONNECTOR).stashedOffsets());
    }

    @Test
    void stopIsIdempotentAndReleasesTheStash() {
        Started sink = fixture.start(null, ORDERS_0);
        assertEquals(1, io.durastash.stash.StashRegistry.jvm().holders(fixture.stashPath()));
        sink.task().stop();
        sink.task().stop();
        assertEquals(0, io.durastash.stash.StashRegistry.jvm().holders(fixture.stashPath()));
        assertEquals(Map.of(), sink.task().preCommit(Map.of(ORDERS_0, new OffsetAndMetadata(0))));
    }

    @Test
    void unusableStashDirectoryFailsTheTaskNamingThePath() throws Exception {
        Path file = Files.createFile(dir.resolve("not-a-dir"));
        fixture.with("stash.dir", file.toString());
        StashException e = assertThrows(StashException.class, () -> fixture.start(null, ORDERS_0));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void aSinkOfAnotherNameIsRefusedAndWritesNothing() {
        fixture.start(null, ORDERS_0).task().put(List.of(bytesRecord("orders", 0, 0, "a", "1")));
        SinkFixture intruder = new SinkFixture(dir).with(StashSinkConfig.CONNECTOR_NAME_CONFIG, "intruder");
        try {
            ConnectException e = assertThrows(ConnectException.class, () -> intruder.start(null, ORDERS_0));
            assertTrue(e.getMessage().contains("belongs to the pair sink '" + SinkFixture.CONNECTOR + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("not to the sink connector 'intruder'"), e.getMessage());
            assertEquals(1, fixture.stash().stats().liveRecords());
            assertEquals(Set.of(SinkFixture.CONNECTOR), fixture.stash().inspect().stashedOffsets().keySet());
        } finally {
            intruder.close();
        }
    }

    @Test
    void missingConnectorNameFailsTheTask() {
        fixture.props.remove(StashSinkConfig.CONNECTOR_NAME_CONFIG);
        ConnectException e = assertThrows(ConnectException.class, () -> fixture.start(null, ORDERS_0));
        assertTrue(e.getMessage().contains("'name'"), e.getMessage());
    }

    private static SinkRecord tenant(SinkRecord record, String tenant) {
        record.headers().addString("tenant", tenant);
        return record;
    }

    private static List<String> headerKeys(StashRecord record) {
        List<String> keys = new ArrayList<>();
        record.headers().forEach(h -> keys.add(h.key()));
        return keys;
    }

    private static void assertSameRecord(SinkRecord in, StashRecord out) {
        String at = in.topic() + "@" + in.kafkaOffset();
        assertEquals(in.topic(), out.topic(), at);
        assertEquals(in.kafkaPartition(), out.partition(), at);
        assertEquals(in.kafkaOffset(), out.offset(), at);
        assertEquals(in.timestamp(), out.timestamp(), at);
        assertEquals(in.timestampType(), out.timestampType(), at);
        assertEquals(in.keySchema(), out.keySchema(), at);
        assertEquals(in.valueSchema(), out.valueSchema(), at);
        assertBytes(in.key(), out.key(), at + " key");
        assertBytes(in.value(), out.value(), at + " value");
        Iterator<Header> read = out.headers().iterator();
        for (Header header : in.headers()) {
            Header back = read.next();
            assertEquals(header.key(), back.key(), at);
            assertEquals(header.schema(), back.schema(), at + " header " + header.key());
            assertBytes(header.value(), back.value(), at + " header " + header.key());
        }
        assertTrue(!read.hasNext(), at + ": no extra headers");
    }

    private static void assertBytes(Object expected, Object actual, String what) {
        if (expected == null) {
            assertNull(actual, what);
        } else if (expected instanceof byte[]) {
            assertArrayEquals((byte[]) expected, (byte[]) actual, what);
        } else {
            assertEquals(expected, actual, what);
        }
    }
}
