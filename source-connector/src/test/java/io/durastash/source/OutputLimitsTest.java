package io.durastash.source;

import io.durastash.stash.model.StashRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The output's size limits, checked before a record is sent (the topic's limit needs a broker: see the fault tests). */
class OutputLimitsTest {
    private static StashRecord record(Object key, Object value, ConnectHeaders headers) {
        return new StashRecord("in", 0, 7, 1L, TimestampType.CREATE_TIME, Schema.OPTIONAL_BYTES_SCHEMA, key,
            Schema.OPTIONAL_BYTES_SCHEMA, value, headers);
    }

    @Test
    void theSizeIsWhatTheProducerCountsAtMost() {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes("h", new byte[5]);
        long size = OutputLimits.sizeInBytes(record(new byte[3], new byte[100], headers), 0);
        assertEquals(OutputLimits.BATCH_OVERHEAD + OutputLimits.RECORD_OVERHEAD + 3 + 100
            + OutputLimits.HEADER_OVERHEAD + 1 + 5, size);
        assertEquals(size + 40, OutputLimits.sizeInBytes(record(new byte[3], new byte[100], headers), 40),
            "with the headers the source adds");
        assertEquals(OutputLimits.BATCH_OVERHEAD + OutputLimits.RECORD_OVERHEAD + 2, OutputLimits.sizeInBytes(
            record(null, "é", new ConnectHeaders()), 0), "a string counts in UTF-8");
        assertEquals(-1, OutputLimits.sizeInBytes(record(null, Map.of("a", 1), new ConnectHeaders()), 0),
            "a structured value's size is its converter's");

        RecordHeaders kafkaHeaders = new RecordHeaders();
        kafkaHeaders.add("h", new byte[5]);
        assertEquals(size, OutputLimits.sizeInBytes(new ProducerRecord<>("out", null, null, new byte[3], new byte[100],
            kafkaHeaders)), "the same record converted");
    }

    @Test
    void aRecordLargerThanTheProducerTakesIsRefusedWithTheLimitNamed() {
        OutputLimits limits = new OutputLimits(Map.of(), () -> null, Clock.systemUTC());
        assertNull(limits.refusalByOwnProducer("out", OutputLimits.DEFAULT_MAX_REQUEST_SIZE));
        String refusal = limits.refusalByOwnProducer("out", OutputLimits.DEFAULT_MAX_REQUEST_SIZE + 1);
        assertTrue(refusal.startsWith("RecordTooLarge") && refusal.contains("max.request.size ("
            + OutputLimits.DEFAULT_MAX_REQUEST_SIZE + ")"), refusal);
        assertNull(limits.refusal("out", -1), "a size not known is not checked");
        assertNull(limits.refusal("out", 10 * OutputLimits.DEFAULT_MAX_REQUEST_SIZE), "Connect's producer takes the "
            + "worker's producer.max.request.size, which the connector cannot see: its answer decides");

        OutputLimits raised = new OutputLimits(Map.of("producer.override.max.request.size", "4194304"), () -> null,
            Clock.systemUTC());
        assertNull(raised.refusal("out", 3_000_000), "the connector's producer override counts");
        assertTrue(raised.refusal("out", 5_000_000).contains("4194304"));
        assertTrue(raised.refusalByOwnProducer("out", 5_000_000).contains("4194304"));
    }
}
