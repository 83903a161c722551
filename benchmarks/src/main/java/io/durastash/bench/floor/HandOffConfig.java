package io.durastash.bench.floor;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

import java.util.Map;

/**
 * The floor connectors' settings. Both name the hand-off they share; the source also names its output topic and
 * polls as the DuraStash source does ({@code poll.max.records}, {@code poll.wait.ms}, same defaults), so that a
 * benchmark's {@code --source.} overrides mean the same on both.
 */
final class HandOffConfig extends AbstractConfig {
    static final String HAND_OFF_CONFIG = "hand-off.name";
    private static final String HAND_OFF_DOC = "The in-memory hand-off the sink fills and the source drains; the two "
        + "connectors of one pipeline name the same one, in the same worker.";
    static final String TOPIC_CONFIG = "topic";
    private static final String TOPIC_DOC = "The topic the source writes every record to, in the input record's partition.";
    static final String POLL_MAX_RECORDS_CONFIG = "poll.max.records";
    static final int POLL_MAX_RECORDS_DEFAULT = 2000;
    private static final String POLL_MAX_RECORDS_DOC = "The most records one source poll hands to Connect.";
    static final String POLL_WAIT_MS_CONFIG = "poll.wait.ms";
    static final long POLL_WAIT_MS_DEFAULT = 500L;
    private static final String POLL_WAIT_MS_DOC = "How long a source poll waits for a batch when the hand-off is empty.";

    static final ConfigDef SINK_DEF = new ConfigDef()
        .define(HAND_OFF_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
            HAND_OFF_DOC);
    static final ConfigDef SOURCE_DEF = new ConfigDef(SINK_DEF)
        .define(TOPIC_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
            TOPIC_DOC)
        .define(POLL_MAX_RECORDS_CONFIG, Type.INT, POLL_MAX_RECORDS_DEFAULT, Range.atLeast(1), Importance.MEDIUM,
            POLL_MAX_RECORDS_DOC)
        .define(POLL_WAIT_MS_CONFIG, Type.LONG, POLL_WAIT_MS_DEFAULT, Range.between(1L, 5_000L), Importance.LOW,
            POLL_WAIT_MS_DOC);

    private HandOffConfig(ConfigDef def, Map<String, String> props) {
        super(def, props);
    }

    static HandOffConfig sink(Map<String, String> props) {
        return new HandOffConfig(SINK_DEF, props);
    }

    static HandOffConfig source(Map<String, String> props) {
        return new HandOffConfig(SOURCE_DEF, props);
    }

    HandOff handOff() {
        return HandOff.named(getString(HAND_OFF_CONFIG));
    }

    String topic() {
        return getString(TOPIC_CONFIG);
    }

    int pollMaxRecords() {
        return getInt(POLL_MAX_RECORDS_CONFIG);
    }

    long pollWaitMs() {
        return getLong(POLL_WAIT_MS_CONFIG);
    }
}
