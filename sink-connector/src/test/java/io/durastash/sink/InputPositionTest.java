package io.durastash.sink;

import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import static io.durastash.sink.SinkFixture.bytesRecord;
import static io.durastash.sink.SinkFixture.tp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class InputPositionTest {
    @Test
    void aRecordOfThePreviousPartitionSharesItsTopicPartition() {
        InputPosition first = InputPosition.of(bytesRecord("orders", 0, 4, "k", "v"), null);
        InputPosition next = InputPosition.of(bytesRecord(new String("orders"), 0, 5, "k", "v"), first);
        assertEquals(new InputPosition(tp("orders", 0), 5), next);
        assertSame(first.partition(), next.partition());
    }

    @Test
    void anotherPartitionOrTopicGetsItsOwn() {
        InputPosition first = InputPosition.of(bytesRecord("orders", 0, 4, "k", "v"), null);
        InputPosition otherPartition = InputPosition.of(bytesRecord("orders", 1, 4, "k", "v"), first);
        InputPosition otherTopic = InputPosition.of(bytesRecord("payments", 0, 4, "k", "v"), first);
        assertEquals(new InputPosition(tp("orders", 1), 4), otherPartition);
        assertEquals(new InputPosition(tp("payments", 0), 4), otherTopic);
    }

    @Test
    void comparesTheOriginalPositionWhenTransformsRenameTheTopic() {
        SinkRecord original = bytesRecord("orders", 0, 7, "k", "v");
        SinkRecord routed = original.newRecord("renamed-orders", 4, original.keySchema(), original.key(),
            original.valueSchema(), original.value(), original.timestamp());
        InputPosition before = InputPosition.of(bytesRecord("orders", 0, 6, "k", "v"), null);
        InputPosition position = InputPosition.of(routed, before);
        assertEquals(new InputPosition(tp("orders", 0), 7), position);
        assertSame(before.partition(), position.partition());

        InputPosition afterRenamed = InputPosition.of(routed, new InputPosition(tp("renamed-orders", 4), 6));
        assertEquals(new InputPosition(tp("orders", 0), 7), afterRenamed);
    }
}
