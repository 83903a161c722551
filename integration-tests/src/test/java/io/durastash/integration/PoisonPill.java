package io.durastash.integration;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.transforms.Transformation;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * A test transformation that turns records whose value starts with {@code POISON} into records the stash
 * cannot encode (a schemaless {@link UUID} value), to prove they reach the dead letter queue.
 */
public class PoisonPill<R extends ConnectRecord<R>> implements Transformation<R> {
    static final byte[] MARK = "POISON".getBytes(StandardCharsets.UTF_8);

    @Override
    public R apply(R record) {
        if (!(record.value() instanceof byte[]) || !startsWithMark((byte[]) record.value())) {
            return record;
        }
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
            null, UUID.randomUUID(), record.timestamp());
    }

    private static boolean startsWithMark(byte[] value) {
        if (value.length < MARK.length) {
            return false;
        }
        for (int i = 0; i < MARK.length; i++) {
            if (value[i] != MARK[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public void close() {
    }
}
