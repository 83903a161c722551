package io.durastash.testkit.records;

import java.util.Map;

/**
 * What a {@link RecordLoad} did: the records Kafka acknowledged, how many did not land at the offset of their number
 * (something else writes to the topic, or the producer lost or reordered a batch), and the numbers it produced, per
 * input partition: what a check of this load expects.
 */
public record Produced(long acknowledged, long misnumbered, Expected expected) {

    static Produced of(long acknowledged, long misnumbered, Map<InputPartition, Expected.Range> ranges) {
        return new Produced(acknowledged, misnumbered, new Expected(ranges));
    }
}
