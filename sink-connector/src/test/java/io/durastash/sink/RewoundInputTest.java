package io.durastash.sink;

import io.durastash.sink.placement.InputLookup;
import io.durastash.stash.Stash;
import io.durastash.stash.StashOptions;
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
 * Input that went back below what the stash holds of it, seen as partitions are assigned. In every case the stash
 * holds offsets 0..9 of orders-0 and let Connect commit offset 0 (as it does right after a reset to 0, or early in a
 * topic's life), and the consumer starts again at 0: by the offsets alone that is a redelivery. What Kafka says of the
 * input tells the cases apart.
 */
class RewoundInputTest {
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final String SINK = "orders-stash";

    @TempDir
    Path dir;

    private String topicId = "id-1";
    private Map<TopicPartition, OffsetAndMetadata> committed;

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
            StashWriter writer = new StashWriter(stash, SINK, new Grouping(GroupBy.TOPIC, null), false,
                new InputOffsets(CommitMode.DELIVERED), null, () -> lookup);
            writer.open(List.of(ORDERS_0));
            writer.write(records(0, 10));
            stash.noteCommits(SINK, Map.of(ORDERS_0, new long[] {0}));
            writer.close(List.of(ORDERS_0));
            meanwhile.run();
            writer.open(List.of(ORDERS_0));
            return writer.write(records(0, 5));
        }
    }

    @Test
    void aTopicCreatedAgainIsStashedFromItsStart() {
        StashWriter.PollResult poll = againFromZero(kafka, () -> topicId = "id-2");
        assertEquals(5, poll.stashed(), "the new topic's records are new");
        try (Stash reopened = Stash.open(dir, StashOptions.defaults())) {
            assertEquals(Map.of(ORDERS_0, "id-2"), reopened.inputTopicIds(SINK));
            assertEquals(Map.of(ORDERS_0, 4L), reopened.stashedOffsets(SINK));
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
    void theSameTopicAtItsOwnCommitIsARedelivery() {
        StashWriter.PollResult poll = againFromZero(kafka, () -> { });
        assertEquals(0, poll.stashed());
        assertEquals(5, poll.skipped());
    }

    @Test
    void byTheOffsetsAloneARewindToARecentCommitLooksLikeARedelivery() {
        assertEquals(5, againFromZero(InputLookup.NONE, () -> topicId = "id-2").skipped(), "what the lookup is for");
    }
}
