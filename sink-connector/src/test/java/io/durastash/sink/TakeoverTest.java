package io.durastash.sink;

import io.durastash.sink.placement.InputLookup;
import io.durastash.stash.Stash;
import io.durastash.stash.model.StashOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Where the stash takes up a partition assigned to it again. In every case the stash holds offsets 0..9 of orders-0 and
 * the group's committed offset is 0 (as right after a reset to 0, or early in a topic's life), and the consumer starts
 * again at 0: by the offsets alone that is a redelivery. What Kafka says of the input tells the cases apart.
 */
class TakeoverTest {
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final String SINK = "orders-stash";

    @TempDir
    Path dir;

    private String topicId = "id-1";
    private Map<TopicPartition, OffsetAndMetadata> committed;
    private final Map<TopicPartition, InputOffsets.Run> runs = new HashMap<>();

    /** The fake Kafka: the topic's id, and the group's committed offsets. */
    private final InputLookup kafka = new InputLookup() {
        @Override
        public Map<String, String> topicIds(Collection<String> topics) {
            return Map.of("orders", topicId);
        }

        @Override
        public Map<TopicPartition, OffsetAndMetadata> committed(Collection<TopicPartition> partitions) {
            return committed;
        }
    };

    @BeforeEach
    void stashedOnce() {
        committed = new HashMap<>(Map.of(ORDERS_0, new OffsetAndMetadata(0, InputOffsets.COMMIT_METADATA)));
    }

    private static List<SinkRecord> records(long from, int count) {
        List<SinkRecord> records = new ArrayList<>();
        for (long offset = from; offset < from + count; offset++) {
            records.add(new SinkRecord("orders", 0, null, null, Schema.BYTES_SCHEMA,
                ("v" + offset).getBytes(StandardCharsets.UTF_8), offset));
        }
        return records;
    }

    /** Stashes offsets 0..9 with {@code lookup}, commits 0 from the stash, then assigns the partition again. */
    private StashWriter.PollResult againFromZero(InputLookup lookup, Runnable meanwhile) {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            StashWriter writer = new StashWriter(stash, stash.ledger(SINK), new Grouping(GroupBy.TOPIC, null), false,
                new InputOffsets(CommitMode.DELIVERED), null, () -> lookup, runs::putAll);
            writer.open(List.of(ORDERS_0));
            writer.write(records(0, 10));
            writer.close(List.of(ORDERS_0));
            meanwhile.run();
            writer.open(List.of(ORDERS_0));
            return writer.write(records(0, 5));
        }
    }

    @Test
    void aTopicCreatedAgainIsStashedFromItsStartInANewRun() {
        StashWriter.PollResult poll = againFromZero(kafka, () -> topicId = "id-2");
        assertEquals(5, poll.stashed(), "the new topic's records are new");
        assertEquals(2, runs.get(ORDERS_0).runStart(), "the first batch, of the old topic, is not delivered from here");
        try (Stash reopened = Stash.open(dir, StashOptions.defaults())) {
            assertEquals(Map.of(ORDERS_0, "id-2"), reopened.ledger(SINK).inputTopicIds());
            assertEquals(Map.of(ORDERS_0, 4L), reopened.ledger(SINK).stashedOffsets());
            assertEquals(Map.of(ORDERS_0, 2L), reopened.ledger(SINK).runStarts());
        }
    }

    @Test
    void aDeletedCommittedOffsetIsAReset() {
        assertEquals(5, againFromZero(kafka, () -> committed.clear()).stashed(), "DELETE /connectors/<sink>/offsets");
    }

    @Test
    void aCommittedOffsetSetByAnotherClientIsAReset() {
        assertEquals(5, againFromZero(kafka, () -> committed.put(ORDERS_0, new OffsetAndMetadata(0))).stashed(),
            "PATCH /connectors/<sink>/offsets, kafka-consumer-groups --reset-offsets");
    }

    @Test
    void theSameTopicAtItsOwnCommitIsARedeliveryAndTheRunContinues() {
        StashWriter.PollResult poll = againFromZero(kafka, () -> { });
        assertEquals(0, poll.stashed());
        assertEquals(5, poll.skipped());
        assertEquals(new InputOffsets.Run(1, 0, 9L), runs.get(ORDERS_0), "from batch 1, the run's first");
    }

    @Test
    void aPartitionConsumedFurtherElsewhereStartsANewRunAtTheCommittedOffset() {
        StashWriter.PollResult poll = againFromZero(kafka,
            () -> committed.put(ORDERS_0, new OffsetAndMetadata(40, InputOffsets.COMMIT_METADATA)));
        assertEquals(new InputOffsets.Run(2, 40, null), runs.get(ORDERS_0),
            "the records 0..9 it holds were delivered by another worker since");
        assertEquals(0, poll.skipped(), "nothing is taken for a redelivery");
    }

    @Test
    void withoutKnowingTheCommittedOffsetARunNeverContinues() {
        StashWriter.PollResult poll = againFromZero(InputLookup.NONE, () -> { });
        assertEquals(5, poll.stashed(), "stashed again: a backlog consumed again costs time, a skipped record is lost");
        assertEquals(new InputOffsets.Run(2, -1, null), runs.get(ORDERS_0));
    }

    @Test
    void inStashedModeTheStashMayHoldTheOnlyCopyAndItsRunContinuesWhereverTheGroupStands() {
        committed.put(ORDERS_0, new OffsetAndMetadata(40, InputOffsets.COMMIT_METADATA));
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            StashWriter writer = new StashWriter(stash, stash.ledger(SINK), new Grouping(GroupBy.TOPIC, null), false,
                new InputOffsets(CommitMode.STASHED), null, () -> kafka, runs::putAll);
            writer.open(List.of(ORDERS_0));
            writer.write(records(0, 10));
            writer.close(List.of(ORDERS_0));
            writer.open(List.of(ORDERS_0));
        }
        assertEquals(9L, runs.get(ORDERS_0).lastStashed());
    }
}
